import { asRecord } from "../object.js";
import type { Rule } from "../types.js";
import { eachOfKind, finding } from "./support.js";
import { credentialLeak } from "../../spec/credentials.js";

export const configMapSecret: Rule = {
  id: "configmap-secret",
  severity: "error",
  category: "secrets",
  title: "No passwords or tokens in ConfigMaps",
  why: "ConfigMaps are not secret: RBAC often lets every developer and every chart read them, they are printed by `kubectl describe`, and they are never encrypted at rest.",
  fix: "Move the key into a Secret (created outside Git, or by kubeship's generated secrets) and mount or reference it from there.",
  examples: {
    bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db\n  DB_PASSWORD: hunter2\n",
    good: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: db\n  DB_PORT: "5432"\n',
  },
  check: (ctx) =>
    eachOfKind(ctx, ["ConfigMap"], (o) =>
      Object.entries(asRecord(o.object.data) ?? {}).flatMap(([k, v]) => {
        const why = typeof v === "string" ? credentialLeak(k, v) : undefined;
        return why === undefined
          ? []
          : [finding(o, ["data", k], `ConfigMap/${o.name} key ${k} holds ${why}`, "move it into a Secret")];
      }),
    ),
};
