/** Makes sure `path` exists, installing the Debian package that provides it when it does not. */
export function ensureDebian(path: string, pkg: string): string;
/** The bin directory of Debian's PostgreSQL 15 (server and client programs). */
export function postgres15(): string;
/** Debian's redis-server (7.0), which also runs as a Sentinel, and redis-cli. */
export function redis7(): string;
export function chromium(): string;
