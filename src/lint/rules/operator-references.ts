import { asArray, asRecord, asString, field, labelsOf } from "../object.js";
import { indexOf, type ObjectIndex } from "../object-index.js";
import type { PodTemplate } from "../pods.js";
import { MANAGED_BY_LABEL } from "../../render/labels.js";
import { didYouMean } from "../../spec/suggest.js";
import type { DocPath } from "../../spec/diagnostic.js";
import type { ManifestObject, Rule, RuleFinding } from "../types.js";
import { finding } from "./support.js";

/** What an operator makes from one of its resources: the Services and Secrets workloads use. */
interface Made {
  readonly services: readonly string[];
  readonly secrets: readonly string[];
}

/**
 * The operators' own naming (their documentation): CloudNativePG's `-rw`/`-ro`/`-r` Services and
 * `-app` Secret, Strimzi's bootstrap Service, ECK's `-es-http` Service and elastic-user Secret, the
 * RabbitMQ Cluster Operator's Service and default-user Secret.
 */
const OPERATORS: readonly {
  readonly apiGroup: string;
  readonly kind: string;
  readonly makes: (name: string, o: ManifestObject) => Made;
}[] = [
  {
    apiGroup: "postgresql.cnpg.io",
    kind: "Cluster",
    makes: (n, o) => ({
      services: [`${n}-rw`, `${n}-ro`, `${n}-r`],
      secrets: [
        asString(field(field(o.object, "spec", "bootstrap", "initdb"), "secret", "name")) ?? `${n}-app`,
        ...(field(o.object, "spec", "enableSuperuserAccess") === true ? [`${n}-superuser`] : []),
      ],
    }),
  },
  {
    apiGroup: "kafka.strimzi.io",
    kind: "Kafka",
    makes: (n) => ({ services: [`${n}-kafka-bootstrap`, `${n}-kafka-brokers`], secrets: [] }),
  },
  {
    apiGroup: "elasticsearch.k8s.elastic.co",
    kind: "Elasticsearch",
    makes: (n) => ({ services: [`${n}-es-http`, `${n}-es-transport`], secrets: [`${n}-es-elastic-user`] }),
  },
  {
    apiGroup: "rabbitmq.com",
    kind: "RabbitmqCluster",
    makes: (n) => ({ services: [n, `${n}-nodes`], secrets: [`${n}-default-user`] }),
  },
];

const SERVICE_SUFFIXES = /-(rw|ro|r|kafka-bootstrap|kafka-brokers|es-http|es-transport|nodes)$/;
const SECRET_SUFFIXES = /-(app|superuser|es-elastic-user|default-user)$/;

/** The Secrets (`namespace/name`) the operator resources of the input make. */
export function operatorSecrets(objects: readonly ManifestObject[]): Set<string> {
  const out = new Set<string>();
  for (const op of OPERATORS)
    for (const o of objects)
      if (o.kind === op.kind && o.apiVersion.startsWith(`${op.apiGroup}/`))
        for (const s of op.makes(o.name, o).secrets) out.add(`${o.namespace ?? ""}/${s}`);
  return out;
}

export const operatorReferences: Rule = {
  id: "operator-references",
  severity: "error",
  category: "consistency",
  title: "References to what an operator makes name a resource of the input",
  why: "Database operators make the Services and Secrets clients use from their own resources: CloudNativePG's Cluster `orders-db` makes `orders-db-rw` and `orders-db-app`, ECK's Elasticsearch `search` makes `search-es-http`. A workload wired to `orders-db-rw` when the Cluster is called `orders` waits for a Service that never comes (its pods stay in CreateContainerConfigError for the Secret); a ScheduledBackup of a Cluster that is not there, or an ObjectStore whose credentials Secret does not exist, fails only at the first backup. (Checked where the input has the operator's resources in that namespace.)",
  fix: "Name the operator resource's own Services and Secrets (`<cluster>-rw`, `<cluster>-app`...), the Cluster a ScheduledBackup backs up, the ObjectStore a Cluster's plugin names, and a credentials Secret that exists with the keys named.",
  seeAlso: ["kubectl cnpg status", "kubeconform (schemas only)"],
  examples: {
    bad: "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: orders}\nspec:\n  instances: 3\n  storage: {size: 10Gi}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: example/api:1.0\n          env:\n            - {name: DB_HOST, value: orders-db-rw.default.svc}\n",
    good: "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: orders}\nspec:\n  instances: 3\n  storage: {size: 10Gi}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: example/api:1.0\n          env:\n            - {name: DB_HOST, value: orders-rw.default.svc}\n            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: orders-app, key: password}}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    const made = new Map<string, { services: Set<string>; secrets: Set<string> }>();
    for (const op of OPERATORS)
      for (const o of index.of(op.kind, undefined)) {
        if (!o.apiVersion.startsWith(`${op.apiGroup}/`)) continue;
        const ns = o.namespace ?? "";
        const m = made.get(ns) ?? { services: new Set<string>(), secrets: new Set<string>() };
        const { services, secrets } = op.makes(o.name, o);
        services.forEach((s) => m.services.add(s));
        secrets.forEach((s) => m.secrets.add(s));
        made.set(ns, m);
      }
    for (const [ns, m] of made) {
      for (const pod of index.pods(ns === "" ? undefined : ns)) {
        if ((pod.target.namespace ?? "") !== ns) continue;
        yield* podFindings(pod, m, index, ns);
      }
    }
    yield* backupFindings(ctx.objects, index);
  },
};

function* podFindings(
  pod: PodTemplate,
  m: { services: Set<string>; secrets: Set<string> },
  index: ObjectIndex,
  ns: string,
): Generator<RuleFinding> {
  const services = new Set([...m.services, ...index.of("Service", ns || undefined).map((s) => s.name)]);
  const secrets = new Set([...m.secrets, ...index.of("Secret", ns || undefined).map((s) => s.name)]);
  for (const type of ["initContainers", "containers"] as const)
    for (const [ci, c] of asArray(pod.spec[type]).entries())
      for (const [ei, e] of asArray(field(c, "env")).entries()) {
        const path: DocPath = [...pod.specPath, type, ci, "env", ei];
        const value = asString(field(e, "value"));
        if (value !== undefined)
          for (const [, host] of value.matchAll(/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9-]+)\.svc\b/g)) {
            const svcNs = value.match(new RegExp(`${host}\\.([a-z0-9-]+)\\.svc`))?.[1] ?? "";
            if (
              host === undefined ||
              (ns !== "" && svcNs !== ns) ||
              services.has(host) ||
              !SERVICE_SUFFIXES.test(host)
            )
              continue;
            yield finding(
              pod.target,
              [...path, "value"],
              `${asString(field(e, "name")) ?? "a variable"} of ${pod.target.kind}/${pod.target.name} names Service ${host}, which neither the input nor an operator resource of it makes`,
              `the operators' resources here make: ${[...m.services].sort().join(", ")}${didYouMean(host, [...m.services])}`,
            );
          }
        const secret = asString(field(e, "valueFrom", "secretKeyRef", "name"));
        if (
          secret !== undefined &&
          field(e, "valueFrom", "secretKeyRef", "optional") !== true &&
          SECRET_SUFFIXES.test(secret) &&
          !secrets.has(secret)
        )
          yield finding(
            pod.target,
            [...path, "valueFrom", "secretKeyRef", "name"],
            `${asString(field(e, "name")) ?? "a variable"} of ${pod.target.kind}/${pod.target.name} reads Secret ${secret}, which neither the input nor an operator resource of it makes`,
            `the operators' resources here make: ${[...m.secrets].sort().join(", ") || "no Secrets"}${didYouMean(secret, [...m.secrets])}`,
          );
      }
}

/** ScheduledBackups name a Cluster of the input, Clusters an ObjectStore, ObjectStores a Secret that will be there. */
function* backupFindings(objects: readonly ManifestObject[], index: ObjectIndex): Generator<RuleFinding> {
  const inGroup = (kind: string, group: string, ns: string | undefined) =>
    index
      .of(kind, ns)
      .filter((o) => o.apiVersion.startsWith(`${group}/`) && (o.namespace ?? "") === (ns ?? ""));
  for (const sb of index
    .of("ScheduledBackup", undefined)
    .filter((o) => o.apiVersion.startsWith("postgresql.cnpg.io/"))) {
    const clusters = inGroup("Cluster", "postgresql.cnpg.io", sb.namespace);
    const name = asString(field(sb.object, "spec", "cluster", "name"));
    if (name !== undefined && clusters.length > 0 && !clusters.some((c) => c.name === name))
      yield finding(
        sb,
        ["spec", "cluster", "name"],
        `ScheduledBackup/${sb.name} backs up Cluster ${name}, which is not in the input`,
        `the Clusters here: ${clusters.map((c) => c.name).join(", ")}${didYouMean(
          name,
          clusters.map((c) => c.name),
        )}`,
      );
  }
  for (const c of index
    .of("Cluster", undefined)
    .filter((o) => o.apiVersion.startsWith("postgresql.cnpg.io/"))) {
    const stores = inGroup("ObjectStore", "barmancloud.cnpg.io", c.namespace);
    for (const [i, p] of asArray(field(c.object, "spec", "plugins")).entries()) {
      const store = asString(field(p, "parameters", "barmanObjectName"));
      if (store !== undefined && stores.length > 0 && !stores.some((s) => s.name === store))
        yield finding(
          c,
          ["spec", "plugins", i, "parameters", "barmanObjectName"],
          `Cluster/${c.name} archives to ObjectStore ${store}, which is not in the input`,
          `the ObjectStores here: ${stores.map((s) => s.name).join(", ")}`,
        );
    }
  }
  // Secrets kubeship's deploy creates: those its pod templates read, with the keys they read.
  const generated = new Set<string>();
  for (const pod of index.pods(undefined))
    if (labelsOf(pod.target.object)[MANAGED_BY_LABEL] === "kubeship")
      for (const type of ["initContainers", "containers"])
        for (const c of asArray(pod.spec[type]))
          for (const e of asArray(field(c, "env"))) {
            const ref = asRecord(field(e, "valueFrom", "secretKeyRef"));
            if (ref !== undefined)
              generated.add(
                `${pod.target.namespace ?? ""}/${asString(ref["name"]) ?? ""}/${asString(ref["key"]) ?? ""}`,
              );
          }
  for (const store of index
    .of("ObjectStore", undefined)
    .filter((o) => o.apiVersion.startsWith("barmancloud.cnpg.io/"))) {
    const ns = store.namespace ?? "";
    for (const key of ["accessKeyId", "secretAccessKey"]) {
      const path: DocPath = ["spec", "configuration", "s3Credentials", key];
      const ref = field(field(store.object, "spec", "configuration"), "s3Credentials", key);
      const name = asString(field(ref, "name"));
      const k = asString(field(ref, "key"));
      if (name === undefined || k === undefined) continue;
      const secret = objects.find(
        (o) => o.kind === "Secret" && o.name === name && (o.namespace ?? "") === ns,
      );
      if (secret !== undefined) {
        const data = {
          ...asRecord(field(secret.object, "data")),
          ...asRecord(field(secret.object, "stringData")),
        };
        if (!(k in data))
          yield finding(
            store,
            [...path, "key"],
            `ObjectStore/${store.name} reads key ${k} of Secret ${name}, which has no such key`,
            `its keys: ${Object.keys(data).sort().join(", ")}`,
          );
      } else if (
        labelsOf(store.object)[MANAGED_BY_LABEL] === "kubeship" &&
        !generated.has(`${ns}/${name}/${k}`)
      )
        yield finding(
          store,
          [...path, "name"],
          `ObjectStore/${store.name} reads key ${k} of Secret ${name}, which is neither in the input nor one kubeship's deploy creates`,
          "name the backup store's credentials Secret (a minio backing's `<name>-credentials`, or an external one's)",
        );
    }
  }
}
