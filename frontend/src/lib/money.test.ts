import { describe, expect, it } from "vitest";
import { formatMoney, formatTotal, parseMajor, toMajorInput } from "./money";

describe("formatMoney", () => {
  it("formats minor units with the currency", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(5, "USD")).toBe("$0.05");
    expect(formatMoney(123456789, "EUR")).toBe("€1,234,567.89");
    expect(formatMoney(100, "GBP")).toBe("£1.00");
    expect(formatMoney(0, "USD")).toBe("$0.00");
  });

  it("keeps large amounts exact", () => {
    expect(formatMoney(9007199254740, "USD")).toBe("$90,071,992,547.40");
  });

  it("puts the sign in front of negative amounts", () => {
    expect(formatMoney(-250, "USD")).toBe("-$2.50");
  });
});

describe("parseMajor", () => {
  it("reads what a person types into minor units", () => {
    expect(parseMajor("19.99", "USD")).toBe(1999);
    expect(parseMajor("20", "USD")).toBe(2000);
    expect(parseMajor("1,250.5", "USD")).toBe(125050);
    expect(parseMajor(" 0.07 ", "USD")).toBe(7);
    expect(parseMajor("10.", "USD")).toBe(1000);
  });

  it("refuses what is not an amount", () => {
    expect(parseMajor("", "USD")).toBeNull();
    expect(parseMajor("-1", "USD")).toBeNull();
    expect(parseMajor("1.999", "USD")).toBeNull();
    expect(parseMajor("abc", "USD")).toBeNull();
    expect(parseMajor("1e3", "USD")).toBeNull();
  });

  it("round-trips through the form's initial value", () => {
    for (const minor of [0, 5, 1999, 100000]) {
      expect(parseMajor(toMajorInput(minor, "USD"), "USD")).toBe(minor);
    }
  });
});

describe("formatTotal", () => {
  it("marks estimated totals with a plus", () => {
    expect(formatTotal(10000, false)).toBe("10,000+");
    expect(formatTotal(1234, true)).toBe("1,234");
  });
});
