import { CREDENTIAL_NAME } from "../../spec/credentials.js";

/** A URL with a password in it: `scheme://user:password@host`, unless the password is a `$(VAR)` reference. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/i;

/** Why a name and value pair looks like a committed credential, or undefined. */
export function secretLeak(name: string, value: string): string | undefined {
  // The test for "://" first: the pattern, unanchored, tries every position of every value.
  const url = value.includes("://") ? URL_CREDENTIALS.exec(value) : null;
  if (url !== null && !/^\$\([A-Za-z0-9_]+\)$/.test(url[1] ?? "") && !(url[1] ?? "").includes("${"))
    return "a URL with a password in it";
  if (!CREDENTIAL_NAME.test(name) || value.trim() === "") return undefined;
  if (/^\$\([A-Za-z0-9_]+\)$/.test(value) || /^\$\{[^}]+\}$/.test(value)) return undefined;
  if (/^(true|false|yes|no|\d+)$/i.test(value)) return undefined;
  if (/^\/|\.(pem|key|crt|json)$/.test(value)) return undefined;
  return "a credential written in plain text";
}
