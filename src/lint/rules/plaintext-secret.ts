import { asRecord, isSopsEncrypted } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";

export const plaintextSecret: Rule = {
  id: "plaintext-secret",
  severity: "warning",
  category: "secrets",
  title: "No Secret values committed in manifests",
  why: "base64 is an encoding, not encryption: a Secret manifest with `data` or `stringData` in a repository gives the credential to everyone who can read the repository, forever (Git keeps history).",
  fix: "Keep only the Secret's name in manifests and create its value at deploy time: kubeship's generated and external secrets, Sealed Secrets, SOPS or the External Secrets Operator.",
  seeAlso: ["Checkov CKV_SECRET", "gitleaks"],
  examples: {
    bad: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\nstringData:\n  password: hunter2\n",
    good: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n",
  },
  check: (ctx) =>
    eachOfKind(ctx, ["Secret"], (o) => {
      // A SOPS file holds ciphertext (ENC[AES256_GCM,...]) under data and stringData.
      if (isSopsEncrypted(o.object)) return undefined;
      const keys = ["data", "stringData"].flatMap((f) =>
        Object.entries(asRecord(o.object[f]) ?? {})
          .filter(([, v]) => typeof v === "string" && v !== "")
          .map(([k]) => [f, k] as const),
      );
      const first = keys[0];
      return first === undefined
        ? undefined
        : finding(
            o,
            [first[0]],
            `Secret/${o.name} carries ${keys.length} value${keys.length === 1 ? "" : "s"} (${keys.map(([, k]) => k).join(", ")}) in plain text`,
            "create the Secret at deploy time instead of committing it",
          );
    }),
};
