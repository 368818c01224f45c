// The storefront in a real browser, against a whole shop (every component, fresh databases
// with the demo catalog, its own Redis prefix) started by `shop-up` on a free port.
//
// One story, in order, as shoppers and an admin live it: a guest browses, searches, filters,
// adds to the cart, registers (the cart comes along), checks out, sees the order and its
// notification; an admin adjusts stock and ships the order, and the customer sees it; an
// item sold out under the customer's nose is refused at checkout; a wrong password is
// refused at sign-in. Key pages are saved as screenshots under screenshots/.
//
// Waits use the page's own signals (a heading, a URL, a badge) with a generous deadline:
// nothing here asserts on speed.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, createWriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
// SHOP_SPIN names a `spin` binary: the same story then runs on real Spin (run.sh does both).
const SPIN = process.env.SHOP_SPIN ?? "";
const RUNTIME = SPIN ? "spin" : "redshop";
const shots = SPIN ? join(here, "screenshots", "spin") : join(here, "screenshots");
mkdirSync(shots, { recursive: true });

const SHOP_UP = process.env.SHOP_UP ?? join(process.env.HOME ?? "", ".cache/redshop-target/debug/shop-up");
const DBCTL = process.env.DBCTL ?? join(process.env.HOME ?? "", ".cache/redshop-target/debug/dbctl");
const PG = process.env.REDSHOP_TEST_PG ?? "postgres://postgres@127.0.0.1:5432";
/** How long a page may take to show what a step waits for (first loads compile nothing, but the shop shares 2 cores). */
const WAIT = 30_000;
const run = Date.now().toString(36);
/** Not on the user service's list of common passwords. */
const PASSWORD = `Red shop ${run} tester`;

let shop; // { url, child }
let browser;
let customer; // a BrowserContext
let admin;
const state = {};

function startShop() {
  return new Promise((resolve, reject) => {
    const child = spawn(SHOP_UP, SPIN ? ["--spin", SPIN] : [], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const log = createWriteStream(join(shots, "shop.log"));
    child.stderr.pipe(log);
    let out = "";
    const timer = setTimeout(() => reject(new Error("shop-up printed no SHOP_URL within 10 minutes")), 600_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /SHOP_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child, spawned: true });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`shop-up exited with ${code} before serving (see screenshots/shop.log)`));
    });
  });
}

function stopShop() {
  if (!shop || !shop.spawned) return Promise.resolve();
  return new Promise((resolve) => {
    shop.child.once("exit", () => resolve());
    shop.child.kill("SIGTERM");
  });
}

/** The user database of this shop: the test databases carry shop-up's process id. */
function usersDatabase() {
  const names = execFileSync("psql", [`${PG}/postgres?sslmode=disable`, "-At", "-c", `SELECT datname FROM pg_database WHERE datname LIKE 'redshop_test_${shop.child.pid}_%'`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  for (const name of names) {
    const url = `${PG}/${name}?sslmode=disable`;
    const has = execFileSync("psql", [url, "-At", "-c", "SELECT to_regclass('public.users') IS NOT NULL"], { encoding: "utf8" }).trim();
    if (has === "t") return url;
  }
  throw new Error(`no user database among ${names.join(", ")}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function newContext() {
  const ctx = await browser.newContext({ baseURL: shop.url, viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(WAIT);
  return ctx;
}

async function register(page, name, email) {
  await page.goto("/register");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

async function signIn(page, email, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Reload `page` until `check` passes (events reach the notification service asynchronously). */
async function eventually(page, check, what) {
  const deadline = Date.now() + WAIT * 2;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: ${e.message}`);
      await page.waitForTimeout(2000);
      await page.reload();
    }
  }
}

/** Wait for `success`; if the page shows an error first, fail with its words and a screenshot. */
async function settle(page, success, name) {
  const alert = page.getByRole("alert").first();
  const refused = alert.waitFor().then(async () => (await alert.textContent()) ?? "an error");
  const outcome = await Promise.race([success.then(() => null), refused]);
  if (outcome !== null) {
    await shot(page, name);
    assert.fail(`${name}: the page says: ${outcome}`);
  }
}

describe(`the storefront in a browser, on ${RUNTIME}`, () => {
  before(async () => {
    // SHOP_URL and SHOP_PID reuse a shop-up that is already running (while developing).
    shop = process.env.SHOP_URL ? { url: process.env.SHOP_URL, child: { pid: Number(process.env.SHOP_PID) }, spawned: false } : await startShop();
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    customer = await newContext();
    admin = await newContext();
  });

  after(async () => {
    await browser?.close();
    await stopShop();
  });

  test("the shell is served with its security headers and hashed assets are immutable", async () => {
    const res = await fetch(`${shop.url}/catalog?q=lamp`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    const html = await res.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "the shell names its script");
    const asset = await fetch(`${shop.url}${script}`);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
  });

  test("a guest sees the home page with new arrivals and categories", async () => {
    const page = await customer.newPage();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto("/");
    await page.getByRole("heading", { name: "New arrivals" }).waitFor();
    await page.locator("section[aria-labelledby=\"arrivals-title\"] ul li").first().waitFor();
    assert.ok((await page.locator("section[aria-labelledby=\"arrivals-title\"] ul li").count()) >= 4);
    await page.getByRole("link", { name: "Home", exact: true }).waitFor();
    await shot(page, "home");
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, baseURL: shop.url });
    await phone.goto("/");
    await phone.getByRole("heading", { name: "New arrivals" }).waitFor();
    await phone.locator("section[aria-labelledby=\"arrivals-title\"] ul li").first().waitFor();
    await shot(phone, "home-phone");
    await phone.close();
    assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), [], "no CSP violations");
    state.page = page;
  });

  test("a guest searches, filters with the URL, and the back button undoes a filter", async () => {
    const page = state.page;
    await page.getByRole("searchbox", { name: "Search products" }).fill("lamp");
    await page.getByRole("searchbox", { name: "Search products" }).press("Enter");
    await page.waitForURL(/\/catalog\?q=lamp$/);
    await page.getByRole("heading", { name: "Results for “lamp”" }).waitFor();
    await page.getByTestId("product-grid").locator("li").first().waitFor();
    const all = await page.getByTestId("result-total").textContent();
    assert.match(all ?? "", /^\d[\d,]*\+? products?$/);
    await page.getByLabel("In stock only").check();
    await page.waitForURL(/in_stock=true/);
    await page.getByTestId("product-grid").locator("li").first().waitFor();
    await page.getByLabel("Category").selectOption("home");
    await page.waitForURL(/category=home/);
    await page.getByTestId("product-grid").locator("li").first().waitFor();
    await shot(page, "catalog");
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes("category=") && u.search.includes("in_stock=true"));
    assert.equal(await page.getByLabel("Category").inputValue(), "");
    assert.equal(await page.getByLabel("In stock only").isChecked(), true);
  });

  test("a guest opens a product and adds two to the cart", async () => {
    const page = state.page;
    const first = page.getByTestId("product-grid").locator("li a").first();
    state.productName = (await first.textContent())?.trim();
    await first.click();
    await page.getByRole("heading", { level: 1, name: state.productName }).waitFor();
    state.productUrl = page.url();
    await page.getByTestId("stock-state").waitFor();
    await page.getByLabel("Quantity").fill("2");
    await shot(page, "product");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added to your cart.").waitFor();
    await page.getByTestId("cart-count").filter({ hasText: "2" }).waitFor();
    await page.getByRole("link", { name: "View cart" }).click();
    await page.getByTestId("cart-line").filter({ hasText: state.productName }).waitFor();
    await shot(page, "cart");
  });

  test("registering keeps the guest's cart (merged on sign-in)", async () => {
    const page = state.page;
    state.email = `ann-${run}@example.com`;
    await register(page, "Ann Shopper", state.email);
    await page.goto("/cart");
    const line = page.getByTestId("cart-line").filter({ hasText: state.productName });
    await line.waitFor();
    assert.equal(await line.getByRole("combobox").inputValue(), "2");
    await page.getByTestId("cart-count").filter({ hasText: "2" }).waitFor();
  });

  test("checkout places one order and shows it with its notification", async () => {
    const page = state.page;
    await page.getByRole("button", { name: "Check out" }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel("Full name").fill("Ann Shopper");
    await page.getByLabel("Street address").fill("1 Market Street");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("Postal code").fill("12345");
    await page.getByLabel("Country code").fill("US");
    await shot(page, "checkout");
    // A double click sends one Idempotency-Key twice; one order must come of it.
    const keys = [];
    page.on("request", (r) => r.url().endsWith("/api/v1/checkout") && keys.push(r.headers()["idempotency-key"]));
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await settle(page, page.waitForURL(/\/checkout\/complete\//), "checkout-error");
    await page.getByRole("heading", { name: "Thank you for your order" }).waitFor();
    state.orderId = page.url().split("/").pop();
    assert.ok(keys.length >= 1 && keys.every((k) => k === keys[0]), `one key per attempt: ${keys}`);
    await page.getByRole("link", { name: "View order" }).click();
    await page.getByRole("list", { name: "Order status timeline" }).waitFor();
    await shot(page, "order");
    await page.goto("/account/orders");
    await page.getByRole("link", { name: new RegExp(state.orderId.slice(0, 8), "i") }).waitFor();
    assert.equal(await page.locator('main a[href^="/account/orders/"]').count(), 1, "exactly one order");
    await eventually(
      page,
      async () => {
        const n = Number(await page.getByTestId("unread-count").textContent({ timeout: 2000 }));
        assert.ok(n >= 1, `unread ${n}`);
      },
      "the order's notification reaches the bell",
    );
    await page.getByRole("link", { name: /Notifications, \d+ unread/ }).click();
    await page.getByTestId("notifications").locator("li").first().waitFor();
    await shot(page, "notifications");
  });

  test("an admin adjusts stock and ships the order; the customer sees it shipped", async () => {
    const page = await admin.newPage();
    const email = `boss-${run}@example.com`;
    await register(page, "Boss Admin", email);
    execFileSync(DBCTL, ["grant-admin", "--database-url", usersDatabase(), "--email", email], { stdio: "pipe" });
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, email);
    await settle(page, page.getByRole("link", { name: "Admin", exact: true }).waitFor(), "admin-signin-error");
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByRole("heading", { name: "Products" }).waitFor();
    await page.getByLabel("Find products").fill(state.productName);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("button", { name: `Manage ${state.productName}` }).first().click();
    const levels = page.getByTestId("stock-levels");
    await levels.waitFor();
    const before = Number((await levels.textContent())?.match(/On hand (\d+)/)?.[1]);
    await page.getByLabel("Change by").fill("5");
    await page.getByRole("button", { name: "Adjust stock" }).click();
    await levels.filter({ hasText: `On hand ${before + 5}` }).waitFor();
    await shot(page, "admin-products");

    await page.getByRole("link", { name: "Orders", exact: true }).click();
    const row = page.getByTestId("admin-order").filter({ hasText: state.orderId.slice(0, 8).toUpperCase() });
    await row.waitFor();
    const status = await row.getByTestId("order-status").textContent();
    if (status === "pending") {
      await row.getByRole("button", { name: /Mark .* paid/ }).click();
      await row.getByTestId("order-status").filter({ hasText: "paid" }).waitFor();
    }
    await row.getByRole("button", { name: /Mark .* shipped/ }).click();
    await row.getByTestId("order-status").filter({ hasText: "shipped" }).waitFor();
    await shot(page, "admin-orders");
    await page.getByRole("link", { name: "Mailbox" }).click();
    await page.getByRole("heading", { name: "Mailbox" }).waitFor();
    await shot(page, "admin-mailbox");
    state.adminPage = page;

    const shopper = state.page;
    await shopper.goto(`/account/orders/${state.orderId}`);
    await shopper.getByTestId("order-status").first().filter({ hasText: "shipped" }).waitFor();
    assert.equal(await shopper.getByRole("button", { name: "Cancel order" }).count(), 0, "a shipped order cannot be cancelled");
  });

  test("an item sold out under the shopper is refused at checkout with the reason", async () => {
    const page = state.page;
    await page.goto(state.productUrl);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added to your cart.").waitFor();
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order" }).waitFor();

    // The admin sells out every available unit meanwhile.
    const adminPage = state.adminPage;
    await adminPage.getByRole("link", { name: "Products" }).click();
    await adminPage.getByLabel("Find products").fill(state.productName);
    await adminPage.getByRole("button", { name: "Find" }).click();
    await adminPage.getByRole("button", { name: `Manage ${state.productName}` }).first().click();
    const levels = adminPage.getByTestId("stock-levels");
    await levels.waitFor();
    const available = Number((await levels.textContent())?.match(/available (\d+)/)?.[1]);
    assert.ok(available > 0);
    await adminPage.getByLabel("Change by").fill(String(-available));
    await adminPage.getByLabel("Reason").selectOption("correction");
    await adminPage.getByRole("button", { name: "Adjust stock" }).click();
    await levels.filter({ hasText: "available 0" }).waitFor();

    await page.getByLabel("Full name").fill("Ann Shopper");
    await page.getByLabel("Street address").fill("1 Market Street");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("Postal code").fill("12345");
    await page.getByLabel("Country code").fill("US");
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/checkout"));
    await page.getByRole("button", { name: "Place order" }).click();
    const res = await answer;
    assert.equal(res.status(), 409);
    const body = await res.json();
    assert.equal(body.error, "insufficient_stock");
    await page.getByRole("alert").filter({ hasText: body.message }).waitFor();
    // The cart is read again and marks the short line.
    await page.getByText("Only 0 left").waitFor();
    await shot(page, "checkout-out-of-stock");
    assert.match(page.url(), /\/checkout$/);
  });

  test("a wrong password is refused with the API's message", async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login"));
    await signIn(page, state.email, "not the right password");
    const res = await answer;
    assert.equal(res.status(), 401);
    const body = await res.json();
    assert.equal(body.error, "invalid_credentials");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.equal((await alert.textContent())?.trim(), body.message);
    assert.match(page.url(), /\/signin$/);
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
    await shot(page, "signin-wrong-password");
    await ctx.close();
  });
});
