// Debian packages the tests run real servers from (PostgreSQL 15, Redis 7.0), installed with apt when
// missing, so that `.ci/run` on a fresh machine has them: nothing else is downloaded.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

function apt(args) {
  execFileSync("apt-get", args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    maxBuffer: 1 << 26,
  });
}

/**
 * Makes sure `path` exists, installing the Debian package that provides it when it does not (the
 * package index is refreshed once if the first try fails). Returns `path`.
 */
export function ensureDebian(path, pkg) {
  if (existsSync(path)) return path;
  try {
    apt(["install", "-y", "--no-install-recommends", pkg]);
  } catch {
    apt(["update"]);
    apt(["install", "-y", "--no-install-recommends", pkg]);
  }
  if (!existsSync(path)) throw new Error(`apt-get installed ${pkg}, but ${path} is still missing`);
  return path;
}

/** The bin directory of Debian's PostgreSQL 15 (server and client programs). */
export function postgres15() {
  ensureDebian("/usr/lib/postgresql/15/bin/psql", "postgresql-client-15");
  ensureDebian("/usr/lib/postgresql/15/bin/postgres", "postgresql-15");
  return "/usr/lib/postgresql/15/bin";
}

/** Debian's redis-server (7.0), which also runs as a Sentinel (`--sentinel`), and redis-cli. */
export function redis7() {
  ensureDebian("/usr/bin/redis-server", "redis-server");
  ensureDebian("/usr/bin/redis-cli", "redis-tools");
  return "/usr/bin";
}

/** Debian's Chromium, which the dashboard's browser tests drive headless (never a downloaded browser). */
export function chromium() {
  return ensureDebian("/usr/bin/chromium", "chromium");
}
