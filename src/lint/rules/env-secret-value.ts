import { asArray, asRecord, asString } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";
import { credentialLeak } from "../../spec/credentials.js";

export const envSecretValue: Rule = {
  id: "env-secret-value",
  severity: "error",
  category: "secrets",
  title: "No passwords or tokens written into environment variables",
  why: "An env value is part of the manifest: it ends up in Git, in `kubectl get -o yaml` for anyone who can read the workload, in Helm release history and in CI logs. Secrets belong in a Secret (or an external secret store) and reach the container through `valueFrom.secretKeyRef`.",
  fix: "Move the value into a Secret and reference it: `valueFrom: {secretKeyRef: {name: db-credentials, key: password}}`. In URLs, reference the variable: `postgresql://app:$(DB_PASSWORD)@db:5432/app`.",
  seeAlso: ["kube-linter env-var-secret", "Checkov CKV_K8S_35"],
  examples: {
    bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      env:\n        - name: DB_PASSWORD\n          value: hunter2\n",
    good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: api:1.0.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db-credentials, key: password}\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      asArray(c.container.env).flatMap((e, i) => {
        const name = asString(asRecord(e)?.name) ?? "";
        const value = asString(asRecord(e)?.value);
        const why = value === undefined ? undefined : credentialLeak(name, value);
        return why === undefined
          ? []
          : [
              finding(
                c.pod.target,
                [...c.path, "env", i, "value"],
                `env ${name} of container "${c.name}" holds ${why}`,
                "put the value in a Secret and use valueFrom.secretKeyRef",
              ),
            ];
      }),
    ),
};
