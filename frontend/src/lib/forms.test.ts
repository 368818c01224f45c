import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { checkEmail, checkPassword, serverErrors } from "./forms";

describe("server errors on form fields", () => {
  const fields = ["email", "password", "display_name"] as const;

  it("uses the field the service names", () => {
    const e = new ApiError(400, "invalid_request", "too short", { field: "password" });
    expect(serverErrors(e, fields)).toEqual({ password: "too short" });
  });

  it("reads the field from an invalid_<field> code", () => {
    expect(serverErrors(new ApiError(400, "invalid_email", "not an email"), fields)).toEqual({ email: "not an email" });
  });

  it("follows aliases for codes that name no field", () => {
    const e = new ApiError(409, "email_taken", "already registered");
    expect(serverErrors(e, fields, { email_taken: "email" })).toEqual({ email: "already registered" });
  });

  it("puts anything else on the form", () => {
    expect(serverErrors(new ApiError(401, "invalid_credentials", "wrong email or password"), fields)).toEqual({
      form: "wrong email or password",
    });
    expect(serverErrors(new ApiError(500, "internal", "internal error"), fields).form).toMatch(/our side/);
  });
});

describe("client-side checks", () => {
  it("checks emails and passwords before submit", () => {
    expect(checkEmail("")).toBeDefined();
    expect(checkEmail("a@b")).toBeDefined();
    expect(checkEmail("ann@example.com")).toBeUndefined();
    expect(checkPassword("short")).toBeDefined();
    expect(checkPassword("eleven char")).toBeDefined();
    expect(checkPassword("twelve chars")).toBeUndefined();
  });
});
