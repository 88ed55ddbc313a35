/**
 * The one definition of "names and values that hold credentials", shared by `import` (which never
 * copies such a value into a spec), `render` (which warns when `env` or `config` holds one) and the
 * lint rules `env-secret-value` and `configmap-secret`, so that what one calls a credential the
 * others do too. Documented in docs/spec.md ("Credentials").
 */

/**
 * Variable and key names that hold credentials: passwords, secrets, tokens and keys of every usual
 * spelling (`DB_PASSWORD`, `DJANGO_SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`, `STRIPE_SECRET_KEY`,
 * `ENCRYPTION_KEY`, `GITHUB_PAT`, `API_KEY`, `SENTRY_DSN`, `PGPASSWORD`, `password`).
 */
export const CREDENTIAL_NAME =
  /(password|passwd|passphrase)$|(^|[_.-])(pass|pwd|secrets?|tokens?|credentials?|pat|dsn|(api|private|secret|secret[_-]?access|auth|encryption|signing|master|session|cookie|jwt|hmac|license|client|app|service|account)[_-]?key|client[_-]?secret|salt)$/i;

/** A URL with a password in it: `scheme://user:password@host`. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/i;

/** A connection string with a password: `Server=db;User Id=app;Password=x;`. */
const CONNECTION_STRING_PASSWORD = /(^|;)\s*(password|pwd)\s*=\s*([^;\s$][^;]*)/i;

/** A reference to a value kept elsewhere: `$(VAR)` (Kubernetes), `${VAR}` (shells, Compose). */
const REFERENCE = /^\$\([A-Za-z0-9_]+\)$|^\$\{[^}]+\}$/;

/** True when a variable or key of this name holds a credential by its name. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/**
 * Why a name and value pair is a credential written in plain text, or undefined: a URL or a
 * connection string with a password under any name, or a credential's name with a value that is not
 * a reference, a flag, a number or a file path.
 */
export function credentialLeak(name: string, value: string): string | undefined {
  // The test for "://" first: the pattern, unanchored, tries every position of every value.
  const url = value.includes("://") ? URL_CREDENTIALS.exec(value) : null;
  if (url !== null && !REFERENCE.test(url[1] ?? "") && !(url[1] ?? "").includes("${"))
    return "a URL with a password in it";
  const conn = value.includes("=") ? CONNECTION_STRING_PASSWORD.exec(value) : null;
  if (conn !== null && !REFERENCE.test((conn[3] ?? "").trim()))
    return "a connection string with a password in it";
  if (!CREDENTIAL_NAME.test(name) || value.trim() === "") return undefined;
  if (REFERENCE.test(value)) return undefined;
  if (/^(true|false|yes|no|on|off|\d+)$/i.test(value)) return undefined;
  if (/^\/|\.(pem|key|crt|json)$/.test(value)) return undefined;
  return "a credential written in plain text";
}
