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
  const names: string[] = [];
  for (const file of source.files) {
    const text = goModuleFile(source.module, source.version, file);
    kubectl(kubeconfig, ["apply", "--server-side", "--force-conflicts", "-f", "-"], text);
    for (const doc of text.split(/^---$/m)) {
      const name = /^metadata:\n(?: {2}.*\n)*? {2}name: (\S+)/m.exec(doc)?.[1];
      if (name !== undefined) names.push(name);
    }
  }
  kubectl(kubeconfig, [
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    ...names.map((n) => `crd/${n}`),
  ]);
  return () => {
    kubectl(kubeconfig, ["delete", "--ignore-not-found", "--wait=true", ...names.map((n) => `crd/${n}`)]);
  };
}
