/**
 * API versions deprecated or removed upstream, with what replaces them: the Kubernetes deprecation
 * guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/ (what Pluto checks).
 * deprecations.test.ts checks every `removedIn` against the generated schemas of each version.
 */
export interface ApiDeprecation {
  readonly apiVersion: string;
  readonly kind: string;
  /** Kubernetes minor version that deprecated it, e.g. `1.21`. */
  readonly deprecatedIn: string;
  /** Kubernetes minor version that stopped serving it, when it has. */
  readonly removedIn?: string;
  /** What to write instead. */
  readonly replacement: string;
}

const APPS = ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"];
const RBAC = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

const row = (
  apiVersion: string,
  kinds: readonly string[],
  deprecatedIn: string,
  removedIn: string | undefined,
  replacement: string,
): ApiDeprecation[] =>
  kinds.map((kind) =>
    removedIn === undefined
      ? { apiVersion, kind, deprecatedIn, replacement }
      : { apiVersion, kind, deprecatedIn, removedIn, replacement },
  );

/** The table, oldest first. */
export const API_DEPRECATIONS: readonly ApiDeprecation[] = [
  ...row("extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], "1.9", "1.16", "apps/v1"),
  ...row("apps/v1beta1", ["Deployment", "StatefulSet"], "1.9", "1.16", "apps/v1"),
  ...row("apps/v1beta2", APPS, "1.9", "1.16", "apps/v1"),
  ...row("extensions/v1beta1", ["NetworkPolicy"], "1.9", "1.16", "networking.k8s.io/v1"),
  ...row(
    "extensions/v1beta1",
    ["PodSecurityPolicy"],
    "1.10",
    "1.16",
    "policy/v1beta1 (itself removed in 1.25)",
  ),
  ...row("extensions/v1beta1", ["Ingress"], "1.14", "1.22", "networking.k8s.io/v1"),
  ...row("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.19", "1.22", "networking.k8s.io/v1"),
  ...row("rbac.authorization.k8s.io/v1beta1", RBAC, "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
  ...row("rbac.authorization.k8s.io/v1alpha1", RBAC, "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
  ...row(
    "apiextensions.k8s.io/v1beta1",
    ["CustomResourceDefinition"],
    "1.16",
    "1.22",
    "apiextensions.k8s.io/v1",
  ),
  ...row(
    "admissionregistration.k8s.io/v1beta1",
    ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    "1.16",
    "1.22",
    "admissionregistration.k8s.io/v1",
  ),
  ...row("apiregistration.k8s.io/v1beta1", ["APIService"], "1.19", "1.22", "apiregistration.k8s.io/v1"),
  ...row(
    "certificates.k8s.io/v1beta1",
    ["CertificateSigningRequest"],
    "1.19",
    "1.22",
    "certificates.k8s.io/v1",
  ),
  ...row("coordination.k8s.io/v1beta1", ["Lease"], "1.19", "1.22", "coordination.k8s.io/v1"),
  ...row("scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.14", "1.22", "scheduling.k8s.io/v1"),
  ...row(
    "storage.k8s.io/v1beta1",
    ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    "1.19",
    "1.22",
    "storage.k8s.io/v1",
  ),
  ...row("batch/v1beta1", ["CronJob"], "1.21", "1.25", "batch/v1"),
  ...row("discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.21", "1.25", "discovery.k8s.io/v1"),
  ...row("events.k8s.io/v1beta1", ["Event"], "1.19", "1.25", "events.k8s.io/v1"),
  ...row("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.22", "1.25", "autoscaling/v2"),
  ...row("policy/v1beta1", ["PodDisruptionBudget"], "1.21", "1.25", "policy/v1"),
  ...row(
    "policy/v1beta1",
    ["PodSecurityPolicy"],
    "1.21",
    "1.25",
    "Pod Security Admission: label the Namespace with pod-security.kubernetes.io/enforce",
  ),
  ...row("node.k8s.io/v1beta1", ["RuntimeClass"], "1.20", "1.25", "node.k8s.io/v1"),
  ...row(
    "flowcontrol.apiserver.k8s.io/v1beta1",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.23",
    "1.26",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  ...row("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.23", "1.26", "autoscaling/v2"),
  ...row("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "1.24", "1.27", "storage.k8s.io/v1"),
  ...row(
    "flowcontrol.apiserver.k8s.io/v1beta2",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.26",
    "1.29",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  ...row(
    "flowcontrol.apiserver.k8s.io/v1beta3",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.29",
    "1.32",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  ...row("v1", ["ComponentStatus"], "1.19", undefined, "the API server's /livez and /readyz endpoints"),
  ...row("v1", ["Endpoints"], "1.33", undefined, "discovery.k8s.io/v1 EndpointSlice"),
];

// By apiVersion, then kind: lint asks for every object, and a joined key would be a new string each time.
const byApi = new Map<string, Map<string, ApiDeprecation>>();
for (const d of API_DEPRECATIONS) {
  const kinds = byApi.get(d.apiVersion) ?? new Map<string, ApiDeprecation>();
  kinds.set(d.kind, d);
  byApi.set(d.apiVersion, kinds);
}

/** The deprecation entry of an apiVersion and kind, if any. */
export function deprecationOf(apiVersion: string, kind: string): ApiDeprecation | undefined {
  return byApi.get(apiVersion)?.get(kind);
}

/** Compares two `major.minor` versions. */
export function compareMinor(a: string, b: string): number {
  return minorOf(a) - minorOf(b);
}

// Pod Security asks for every pod: versions are parsed once.
const minors = new Map<string, number>();

function minorOf(version: string): number {
  let n = minors.get(version);
  if (n === undefined) {
    const [major = 0, minor = 0] = version.split(".").map(Number);
    n = major * 10_000 + minor;
    minors.set(version, n);
  }
  return n;
}
