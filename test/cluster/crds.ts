import { execFileSync } from "node:child_process";
import { goModuleFile } from "../tools/go-tools.mjs";

/** An operator's CRDs: the Go module that publishes them, and the manifest files in it. */
export interface CrdSource {
  readonly module: string;
  readonly version: string;
  readonly files: readonly string[];
}

/** prometheus-operator's CRDs, of the version lint's schemas come from (scripts/gen-kube-schemas.ts). */
export const PROMETHEUS_OPERATOR_CRDS: CrdSource = {
  module: "github.com/prometheus-operator/prometheus-operator",
  version: "v0.85.0",
  files: [
    "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml",
    "example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml",
    "example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml",
  ],
};

/** The Vertical Pod Autoscaler's CRDs (VerticalPodAutoscaler, VerticalPodAutoscalerCheckpoint). */
export const VPA_CRDS: CrdSource = {
  module: "k8s.io/autoscaler/vertical-pod-autoscaler",
  version: "v1.5.1",
  files: ["deploy/vpa-v1-crd-gen.yaml"],
};

/** CloudNativePG's CRDs kubeship writes objects of (lint's schemas come from the same version). */
export const CLOUDNATIVE_PG_CRDS: CrdSource = {
  module: "github.com/cloudnative-pg/cloudnative-pg",
  version: "v1.30.1",
  files: [
    "config/crd/bases/postgresql.cnpg.io_clusters.yaml",
    "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml",
  ],
};

/** The Barman Cloud plugin's ObjectStore. */
export const BARMAN_CLOUD_CRDS: CrdSource = {
  module: "github.com/cloudnative-pg/plugin-barman-cloud",
  version: "v0.15.0",
  files: ["config/crd/bases/barmancloud.cnpg.io_objectstores.yaml"],
};

/** ECK's CRDs (all of them: one file). */
export const ECK_CRDS: CrdSource = {
  module: "github.com/elastic/cloud-on-k8s/v3",
  version: "v3.5.0",
  files: ["config/crds/v1/all-crds.yaml"],
};

/** Velero's Schedule (backup.velero). */
export const VELERO_CRDS: CrdSource = {
  module: "github.com/vmware-tanzu/velero",
  version: "v1.18.1",
  files: ["config/crd/v1/bases/velero.io_schedules.yaml"],
};

/** The RabbitMQ Cluster Operator's RabbitmqCluster. */
export const RABBITMQ_CRDS: CrdSource = {
  module: "github.com/rabbitmq/cluster-operator/v2",
  version: "v2.20.0",
  files: ["config/crd/bases/rabbitmq.com_rabbitmqclusters.yaml"],
};

/**
 * TEST FIXTURE CRDs of Strimzi 1.0's Kafka, KafkaNodePool and KafkaTopic (Strimzi is not published as
 * a Go module, so its CRD files cannot be fetched here): the real group, version v1, kinds, plural
 * names, scope and status subresource; the schema keeps every field (x-kubernetes-preserve-unknown-
 * fields). The objects' own schema is checked by @kubernetes-models/strimzi-kafka-operator's validators,
 * made from Strimzi's 1.0.0 CRDs.
 */
export function strimziFixtureCrds(): string {
  const crd = (kind: string, plural: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.kafka.strimzi.io
spec:
  group: kafka.strimzi.io
  names: { kind: ${kind}, listKind: ${kind}List, plural: ${plural}, singular: ${kind.toLowerCase()} }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
            status: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
  return [
    crd("Kafka", "kafkas"),
    crd("KafkaNodePool", "kafkanodepools"),
    crd("KafkaTopic", "kafkatopics"),
  ].join("---\n");
}

/** Gateway API's standard channel, of the version lint's schemas come from. */
export const GATEWAY_API_CRDS: CrdSource = {
  module: "sigs.k8s.io/gateway-api",
  version: "v1.6.3",
  files: [
    "config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
    "config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
    "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
    "config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml",
    "config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml",
  ],
};

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  return execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    ...(input === undefined ? {} : { input }),
  });
}

/**
 * Installs CRDs into the test cluster (server-side, they are large) and waits until they are served;
 * returns a function that removes them again, so that tests which expect them missing still can.
 */
export function installCrds(kubeconfig: string, source: CrdSource): () => void {
  return installCrdTexts(
    kubeconfig,
    source.files.map((file) => goModuleFile(source.module, source.version, file)),
  );
}

/** Installs CRD manifests given as text (see `installCrds`). */
export function installCrdTexts(kubeconfig: string, texts: readonly string[]): () => void {
  const names: string[] = [];
  for (const text of texts) {
    kubectl(kubeconfig, ["apply", "--server-side", "--force-conflicts", "-f", "-"], text);
    for (const doc of text.split(/^---$/m)) {
      const name = /^metadata:\n(?: {2}.*\n)*? {2}name: (\S+)/m.exec(doc)?.[1];
      if (name !== undefined) names.push(name);
    }
  }
  // Right after the apply a CRD may have no conditions yet, which `kubectl wait` takes for an error.
  for (let attempt = 0; ; attempt++) {
    try {
      kubectl(kubeconfig, [
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        ...names.map((n) => `crd/${n}`),
      ]);
      break;
    } catch (e) {
      if (attempt >= 20 || !String(e).includes("accessor error")) throw e;
      execFileSync("sleep", ["0.5"]);
    }
  }
  return () => {
    kubectl(kubeconfig, ["delete", "--ignore-not-found", "--wait=true", ...names.map((n) => `crd/${n}`)]);
  };
}
