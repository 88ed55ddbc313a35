/**
 * Names of variables and keys that hold credentials (`DB_PASSWORD`, `API_KEY`, `token`, `PASS_X`):
 * lint flags their plain-text values, import moves them to generated secrets. One definition, so that
 * what lint would call a committed credential is what import keeps out of the spec.
 */
export const CREDENTIAL_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?|auth[_-]?key)$|^(pass(word)?|secret|token)[_-]/i;
