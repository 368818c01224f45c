import { describe, expect, it } from "vitest";
import { EMPTY, parseFilters, toApiQuery, toSearch, update } from "./filters";

const parse = (s: string) => parseFilters(new URLSearchParams(s));

describe("catalog filters in the URL", () => {
  it("reads every filter", () => {
    expect(parse("q=lamp&category=lamps&brand=Lumo&brand=Zest&min=10&max=49.99&in_stock=true&sort=price_asc")).toEqual({
      q: "lamp",
      category: "lamps",
      brands: ["Lumo", "Zest"],
      minPrice: 1000,
      maxPrice: 4999,
      inStock: true,
      sort: "price_asc",
      cursor: null,
      page: 1,
    });
  });

  it("drops malformed values instead of sending them", () => {
    const f = parse("min=abc&max=-3&sort=cheapest&page=x&brand=&in_stock=yes");
    expect(f).toEqual(EMPTY);
  });

  it("refuses relevance without a search text", () => {
    expect(parse("sort=relevance").sort).toBeNull();
    expect(parse("q=shoe&sort=relevance").sort).toBe("relevance");
  });

  it("keeps a page number only with its cursor", () => {
    expect(parse("page=3").page).toBe(1);
    expect(parse("cursor=abc&page=3")).toMatchObject({ cursor: "abc", page: 3 });
  });

  it("round-trips through the URL", () => {
    const url = "q=trail+shoe&category=shoes&brand=Acme&min=10.00&max=50.00&in_stock=true&sort=name&cursor=c1&page=2";
    expect(toSearch(parse(url)).toString()).toBe(url);
    expect(toSearch(EMPTY).toString()).toBe("");
  });

  it("goes back to the first page when a filter changes, not when the page does", () => {
    const paged = parse("q=lamp&cursor=c2&page=2");
    expect(update(paged, { inStock: true })).toMatchObject({ cursor: null, page: 1, inStock: true });
    expect(update(paged, { cursor: "c3", page: 3 })).toMatchObject({ cursor: "c3", page: 3, q: "lamp" });
  });

  it("drops relevance when the search text is cleared", () => {
    expect(update(parse("q=lamp&sort=relevance"), { q: "" }).sort).toBeNull();
  });

  it("builds the product API query in minor units", () => {
    const f = parse("q=lamp&brand=A&brand=B&min=10&max=20.5&in_stock=true&sort=price_desc&cursor=xyz&page=2");
    expect(toApiQuery(f, 24)).toBe(
      "q=lamp&brand=A&brand=B&min_price=1000&max_price=2050&in_stock=true&sort=price_desc&limit=24&cursor=xyz&facets=true",
    );
  });
});
