// Generates schemas/kubernetes-<minor>.json (every built-in kind of each supported Kubernetes version)
// and schemas/crds.json (the CRDs kubeship emits) in lint's compact format, from upstream sources
// fetched through the Go module proxy: api/openapi-spec/swagger.json of k8s.io/kubernetes, the CRD
// manifests of prometheus-operator, cert-manager, the Vertical Pod Autoscaler, Gateway API, Argo CD, Flux,
// Sealed Secrets and the database operators (CloudNativePG and its Barman Cloud plugin, ECK, RabbitMQ). Run with `npm run schemas`; the output is committed,
// so lint needs no network. The versions below are the whole list: add one and run the script again.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import {
  type CrdLike,
  type OpenApiSchema,
  type SchemaNode,
  compactCrd,
  compactSchema,
  shortDefName,
} from "../src/lint/schema/compact.js";
// @ts-expect-error: a plain .mjs helper without types
import { extractEntry } from "./zip.mjs";

const KUBERNETES = [
  "v1.30.14",
  "v1.31.14",
  "v1.32.13",
  "v1.33.13",
  "v1.34.4",
  "v1.35.4",
  "v1.36.3",
  "v1.37.2",
];
const CRD_SOURCES = [
  {
    module: "github.com/prometheus-operator/prometheus-operator@v0.85.0",
    files: [
      "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml",
      "example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml",
      "example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml",
    ],
  },
  {
    module: "github.com/cert-manager/cert-manager@v1.21.2",
    files: [
      "deploy/crds/cert-manager.io_certificates.yaml",
      "deploy/crds/cert-manager.io_issuers.yaml",
      "deploy/crds/cert-manager.io_clusterissuers.yaml",
    ],
  },
  {
    // The VerticalPodAutoscaler kubeship renders for autoscale.vertical (and its checkpoints).
    module: "k8s.io/autoscaler/vertical-pod-autoscaler@v1.5.1",
    files: ["deploy/vpa-v1-crd-gen.yaml"],
  },
  {
    // Gateway API's standard channel: what `ingress.api: gateway` and `migrate-ingress` write.
    module: "sigs.k8s.io/gateway-api@v1.6.3",
    files: [
      "config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
      "config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
      "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
      "config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml",
      "config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml",
    ],
  },
  {
    // The GitOps objects `render --format argocd|flux` writes.
    module: "github.com/argoproj/argo-cd/v3@v3.2.0",
    files: ["manifests/crds/application-crd.yaml"],
  },
  {
    module: "github.com/fluxcd/kustomize-controller@v1.7.2",
    files: ["config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml"],
  },
  {
    module: "github.com/fluxcd/source-controller@v1.7.0",
    files: ["config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml"],
  },
  {
    // What `kubeship seal` writes.
    module: "github.com/bitnami-labs/sealed-secrets@v0.40.0",
    files: ["helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"],
  },
  // The operators of `backing.*.mode: operator` (Strimzi's CRDs are not in a Go module: its objects
  // are checked by the @kubernetes-models validators in the tests).
  {
    module: "github.com/cloudnative-pg/cloudnative-pg@v1.30.1",
    files: [
      "config/crd/bases/postgresql.cnpg.io_clusters.yaml",
      "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml",
    ],
  },
  {
    module: "github.com/cloudnative-pg/plugin-barman-cloud@v0.15.0",
    files: ["config/crd/bases/barmancloud.cnpg.io_objectstores.yaml"],
  },
  {
    module: "github.com/elastic/cloud-on-k8s/v3@v3.5.0",
    files: ["config/crds/v1/all-crds.yaml"],
    kinds: ["Elasticsearch"],
  },
  {
    // backup.velero's Schedule.
    module: "github.com/vmware-tanzu/velero@v1.18.1",
    files: ["config/crd/v1/bases/velero.io_schedules.yaml"],
  },
  {
    module: "github.com/rabbitmq/cluster-operator/v2@v2.20.0",
    files: ["config/crd/bases/rabbitmq.com_rabbitmqclusters.yaml"],
  },
];

type Extract = (name: string) => Buffer;

function moduleZip(module: string): Extract {
  const info = JSON.parse(execFileSync("go", ["mod", "download", "-json", module], { encoding: "utf8" })) as {
    Zip: string;
  };
  const buf = readFileSync(info.Zip);
  const prefix = `${module}/`;
  return (name) => (extractEntry as (b: Buffer, n: string) => Buffer)(buf, prefix + name);
}

interface Swagger {
  definitions: Record<string, OpenApiSchema & { "x-kubernetes-group-version-kind"?: Gvk[] }>;
  paths: Record<string, Record<string, { "x-kubernetes-group-version-kind"?: Gvk }>>;
}
interface Gvk {
  group: string;
  version: string;
  kind: string;
}

const apiVersionOf = (g: Gvk): string => (g.group === "" ? g.version : `${g.group}/${g.version}`);

function kubernetesSchemas(version: string): string {
  const swagger = JSON.parse(
    moduleZip(`k8s.io/kubernetes@${version}`)("api/openapi-spec/swagger.json").toString("utf8"),
  ) as Swagger;
  const defs: Record<string, SchemaNode> = {};
  const kinds: Record<string, SchemaNode> = {};
  for (const name of Object.keys(swagger.definitions).sort()) {
    const def = swagger.definitions[name];
    if (def === undefined) continue;
    const node = compactSchema(def);
    // Quantity, IntOrString and the like become primitive codes and need no definition.
    if (compactSchema({ $ref: `#/definitions/${name}` }) !== `#${shortDefName(name)}`) continue;
    defs[shortDefName(name)] = node;
    for (const gvk of def["x-kubernetes-group-version-kind"] ?? []) {
      if (name.endsWith("List") || gvk.kind.endsWith("List")) continue;
      if (gvk.kind === "WatchEvent" || gvk.kind === "DeleteOptions" || gvk.kind === "Status") continue;
      kinds[`${apiVersionOf(gvk)} ${gvk.kind}`] = `#${shortDefName(name)}`;
    }
  }
  const namespaced = new Set<string>();
  for (const [path, ops] of Object.entries(swagger.paths)) {
    if (!path.includes("/namespaces/{namespace}/")) continue;
    for (const op of Object.values(ops)) {
      const gvk = op["x-kubernetes-group-version-kind"];
      if (gvk !== undefined && kinds[`${apiVersionOf(gvk)} ${gvk.kind}`] !== undefined)
        namespaced.add(`${apiVersionOf(gvk)} ${gvk.kind}`);
    }
  }
  const minor = version.replace(/^v(\d+\.\d+)\..*$/, "$1");
  return `${JSON.stringify({
    name: `kubernetes-${minor}`,
    source: `k8s.io/kubernetes@${version} api/openapi-spec/swagger.json`,
    defs,
    kinds: sortKeys(kinds),
    namespaced: [...namespaced].sort(),
  })}\n`;
}

function crdSchemas(): string {
  const kinds: Record<string, SchemaNode> = {};
  const namespaced: string[] = [];
  const sources: string[] = [];
  for (const source of CRD_SOURCES) {
    const read = moduleZip(source.module);
    for (const file of source.files) {
      sources.push(`${source.module} ${file}`);
      for (const doc of parseAllDocuments(read(file).toString("utf8"))) {
        const data = doc.toJS() as CrdLike & { spec?: { names?: { kind?: string } } };
        const wanted = "kinds" in source ? source.kinds : undefined;
        if (wanted !== undefined && !wanted.includes(data.spec?.names?.kind ?? "")) continue;
        const crd = compactCrd(data);
        Object.assign(kinds, crd.kinds);
        namespaced.push(...crd.namespaced);
      }
    }
  }
  return `${JSON.stringify({ name: "crds", source: sources, defs: {}, kinds: sortKeys(kinds), namespaced: namespaced.sort() })}\n`;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

for (const version of KUBERNETES) {
  const minor = version.replace(/^v(\d+\.\d+)\..*$/, "$1");
  writeFileSync(new URL(`../schemas/kubernetes-${minor}.json`, import.meta.url), kubernetesSchemas(version));
  process.stdout.write(`wrote schemas/kubernetes-${minor}.json\n`);
}
writeFileSync(new URL("../schemas/crds.json", import.meta.url), crdSchemas());
process.stdout.write("wrote schemas/crds.json\n");
