import { describe, expect, it } from "vitest";
import { secretLeak } from "./secret-patterns.js";

describe("secretLeak", () => {
  it("finds a password in a URL under any name, in any scheme and case", () => {
    expect(secretLeak("DATABASE", "postgresql://app:s3cret@db:5432/app")).toBe("a URL with a password in it");
    expect(secretLeak("upstream", "see AMQP://guest:guest@rabbit/ for details")).toBe(
      "a URL with a password in it",
    );
  });

  it("accepts URLs whose password is a reference, or that have none", () => {
    expect(secretLeak("DATABASE", "postgresql://app:$(DB_PASSWORD)@db:5432/app")).toBeUndefined();
    expect(secretLeak("DATABASE", "postgresql://app:${DB_PASSWORD}@db:5432/app")).toBeUndefined();
    expect(secretLeak("DATABASE", "postgresql://app@db:5432/app")).toBeUndefined();
    expect(secretLeak("ORDERS", "http://orders:8080/api")).toBeUndefined();
    expect(secretLeak("NOTE", "user:password@host, but no scheme")).toBeUndefined();
  });

  it("finds a credential by its name unless the value is a reference, a flag or a path", () => {
    expect(secretLeak("DB_PASSWORD", "hunter2")).toBe("a credential written in plain text");
    expect(secretLeak("DB_PASSWORD", "$(FROM_ELSEWHERE)")).toBeUndefined();
    expect(secretLeak("API_TOKEN", "true")).toBeUndefined();
    expect(secretLeak("TLS_KEY", "/etc/tls/tls.key")).toBeUndefined();
    expect(secretLeak("LOG_LEVEL", "debug")).toBeUndefined();
  });
});
