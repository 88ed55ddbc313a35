import { error, warning, type Diagnostic } from "./diagnostic.js";
import type { AppSpec } from "./schema.js";

const PLACEHOLDERS = new Set(["{app}", "{namespace}", "{env}", "{secret}"]);

/** The checks of `secrets.backend` and its options. */
export function checkSecretsBackend(out: Diagnostic[], spec: AppSpec): void {
  const s = spec.secrets;
  if (s === undefined) return;
  const backend = s.backend ?? "generate";
  if (backend === "external-secrets" && s.store === undefined)
    out.push(
      error(
        "spec/secrets-store-missing",
        ["secrets", "backend"],
        "backend external-secrets needs the store the ExternalSecrets read from",
        "add secrets.store: { name: vault, kind: ClusterSecretStore }",
      ),
    );
  for (const field of ["store", "remoteKey", "remoteKeys", "refreshInterval", "generated"] as const)
    if (backend !== "external-secrets" && s[field] !== undefined)
      out.push(
        warning(
          "spec/secrets-option-unused",
          ["secrets", field],
          `secrets.${field} is read only with backend external-secrets (this spec's backend is ${backend})`,
          "set secrets.backend: external-secrets, or remove it",
        ),
      );
  for (const p of (s.remoteKey ?? "").match(/\{[^}]*\}/g) ?? [])
    if (!PLACEHOLDERS.has(p))
      out.push(
        error(
          "spec/secrets-remote-key",
          ["secrets", "remoteKey"],
          `${p} is not a placeholder of the remote key`,
          "use {app}, {namespace}, {env} and {secret}",
        ),
      );
}
