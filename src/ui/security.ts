import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The cookie the page carries its token in once it has been opened with it. */
export const TOKEN_COOKIE = "kubeship-ui";

/** A fresh access token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether two strings are equal, in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: the cookie, or `Authorization: Bearer` (scripts). */
export function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ") === true) return auth.slice("Bearer ".length);
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return undefined;
}

/**
 * The Host headers the server answers to: its own address and port (and `localhost` when it listens
 * on a loopback address). Anything else is refused, so a web page cannot reach the server through a
 * DNS name of its own that resolves to 127.0.0.1 (DNS rebinding).
 */
export function allowedHosts(address: string, port: number): ReadonlySet<string> {
  const host = address.includes(":") ? `[${address}]` : address;
  const hosts = new Set([`${host}:${port}`]);
  if (isLoopback(address)) for (const h of ["localhost", "127.0.0.1", "[::1]"]) hosts.add(`${h}:${port}`);
  return hosts;
}

/** Whether an address is the machine's own (127.0.0.0/8, ::1, localhost). */
export function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/**
 * Whether a state-changing request comes from the page itself: its Origin is this server's, and it
 * is JSON (which a form on another site cannot send without the browser asking first).
 */
export function sameOrigin(req: IncomingMessage, hosts: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (
    url.protocol === "http:" &&
    hosts.has(url.host) &&
    url.host === req.headers.host &&
    (req.headers["content-type"] ?? "").startsWith("application/json")
  );
}

/** Headers on every answer: nothing cached, framed, sniffed or sent elsewhere; scripts only from here. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};
