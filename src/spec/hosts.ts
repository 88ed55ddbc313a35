/** A host named in a configuration value, as `hostTokens` reads it. */
export interface HostToken {
  /** The host as written (letters, digits, `.`, `-`, `_`); callers check the form they accept. */
  readonly host: string;
  readonly port: number | undefined;
  /** Written as a URL (`scheme://...`). */
  readonly url: boolean;
  /** The token is the whole value (a bare `db` means a host only then, not inside a sentence). */
  readonly whole: boolean;
}

const SEPARATORS = /[\s,;]+/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const USERINFO = /^[^@/]*@/;
const HOST_PORT = /^([a-z0-9][a-z0-9_.-]*)(?::(\d+))?(\/.*)?$/i;

/**
 * The hosts a value names: `db`, `db:5432`, `postgres://u:p@db:5432/x`, `http://api.shop.svc:8080/y`,
 * several separated by spaces, commas or semicolons. Shared by import (Compose environments) and
 * lint (the NetworkPolicy dependency check), which each decide which of them count.
 */
export function hostTokens(value: string): HostToken[] {
  const whole = value.trim();
  const out: HostToken[] = [];
  for (const raw of value.split(SEPARATORS)) {
    const url = SCHEME.test(raw);
    const m = HOST_PORT.exec(raw.replace(SCHEME, "").replace(USERINFO, ""));
    if (m?.[1] === undefined) continue;
    out.push({ host: m[1], port: m[2] === undefined ? undefined : Number(m[2]), url, whole: raw === whole });
  }
  return out;
}
