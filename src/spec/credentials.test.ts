import { describe, expect, it } from "vitest";
import { credentialLeak, credentialLeak as secretLeak, isCredentialName } from "./credentials.js";

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

describe("the credential names import, render and lint share", () => {
  it.each([
    "DB_PASSWORD",
    "DB_PASS",
    "PGPASSWORD",
    "DJANGO_SECRET_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "STRIPE_SECRET_KEY",
    "S3_SECRET_KEY",
    "ENCRYPTION_KEY",
    "GITHUB_PAT",
    "API_KEY",
    "OPENAI_API_KEY",
    "JWT_SECRET",
    "SESSION_SECRET",
    "AUTH_TOKEN",
    "SENTRY_DSN",
    "OAUTH_CLIENT_SECRET",
    "password",
    "secret",
  ])("%s holds a credential", (name) => {
    expect(isCredentialName(name)).toBe(true);
    expect(credentialLeak(name, "s3cr3t-value")).toBe("a credential written in plain text");
  });

  it.each([
    "LOG_LEVEL",
    "KEYSPACE",
    "PORT",
    "AWS_ACCESS_KEY_ID",
    "S3_ACCESS_KEY",
    "TOKEN_EXPIRY_SECONDS",
    "PASSTHROUGH",
    "SORT_KEYS",
  ])("%s does not", (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  it("finds a password in a connection string under any name", () => {
    expect(credentialLeak("CONN", "Server=db;User Id=app;Password=hunter2;")).toBe(
      "a connection string with a password in it",
    );
    expect(credentialLeak("CONN", "Server=db;Password=$(DB_PASSWORD)")).toBeUndefined();
  });
});
