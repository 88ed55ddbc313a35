import { allowedRegistries } from "./allowed-registries.js";
import { apiValidationRule } from "./api-validation.js";
import { automountServiceAccountToken } from "./automount-service-account-token.js";
import { capabilitiesDropAll } from "./capabilities-drop-all.js";
import { clusterAdminBinding } from "./cluster-admin-binding.js";
import { configMapSecret } from "./configmap-secret.js";
import { dangerousCapabilities } from "./dangerous-capabilities.js";
import { defaultNamespace } from "./default-namespace.js";
import { defaultServiceAccount } from "./default-service-account.js";
import { deprecatedApi } from "./deprecated-api.js";
import { dockerSocket } from "./docker-socket.js";
import { envSecretValue } from "./env-secret-value.js";
import { hostNamespaces } from "./host-namespaces.js";
import { hostPath } from "./host-path.js";
import { hostPort } from "./host-port.js";
import { hpaMinReplicas } from "./hpa-min-replicas.js";
import { frozenRegistry } from "./frozen-registry.js";
import { hpaDuplicate, hpaFixedReplicas } from "./hpa-conflicts.js";
import { hpaTarget } from "./hpa-target.js";
import { hpaVpaConflict } from "./hpa-vpa-conflict.js";
import { imageTagRule } from "./image-tag.js";
import { ingressBackend } from "./ingress-backend.js";
import { operatorReferences } from "./operator-references.js";
import { ingressNginxRetired } from "./ingress-nginx-retired.js";
import { routeBackend, routeConflict, routeParent } from "./gateway-routes.js";
import { ingressTls } from "./ingress-tls.js";
import { livenessProbe } from "./liveness-probe.js";
import { memoryLimit } from "./memory-limit.js";
import { networkPolicyBlocksDependency } from "./network-policy-blocks-dependency.js";
import { networkPolicyCoverage } from "./network-policy-coverage.js";
import { pdbBlocksEviction } from "./pdb-blocks-eviction.js";
import { pdbMissing } from "./pdb-missing.js";
import { pdbSelectsNothing } from "./pdb-selects-nothing.js";
import { pdbUnhealthyEviction } from "./pdb-unhealthy-eviction.js";
import { plaintextSecret } from "./plaintext-secret.js";
import { podSecurity } from "./pod-security.js";
import { podSpreading } from "./pod-spreading.js";
import { privilegeEscalation } from "./privilege-escalation.js";
import { privileged } from "./privileged.js";
import { probePort } from "./probe-port.js";
import { probesIdentical } from "./probes-identical.js";
import { rbacEscalation } from "./rbac-escalation.js";
import { rbacPodExec } from "./rbac-pod-exec.js";
import { rbacReadSecrets } from "./rbac-read-secrets.js";
import { rbacWildcard } from "./rbac-wildcard.js";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem.js";
import { readinessProbe } from "./readiness-probe.js";
import { removedApi } from "./removed-api.js";
import { replicas } from "./replicas.js";
import { requiredLabels } from "./required-labels.js";
import { resourceRequests } from "./resource-requests.js";
import { rootGroup } from "./root-group.js";
import { runAsNonRoot } from "./run-as-non-root.js";
import { schema } from "./schema.js";
import { seccompProfile } from "./seccomp-profile.js";
import { selectorMismatch } from "./selector-mismatch.js";
import { serviceMonitorPort } from "./service-monitor-port.js";
import { serviceSelectsNothing } from "./service-selects-nothing.js";
import { serviceTargetPort } from "./service-target-port.js";
import { storageClass } from "./storage-class.js";
import { yamlSyntax } from "./yaml-syntax.js";
import type { Rule } from "../types.js";

const CATEGORY_ORDER = [
  "validity",
  "pod-security",
  "security",
  "secrets",
  "rbac",
  "resources",
  "reliability",
  "networking",
  "consistency",
  "metadata",
];

/** Every rule, in the order of the docs: by category, then by id. */
export const RULES: readonly Rule[] = sortRules([
  allowedRegistries,
  apiValidationRule,
  automountServiceAccountToken,
  capabilitiesDropAll,
  clusterAdminBinding,
  configMapSecret,
  dangerousCapabilities,
  defaultNamespace,
  defaultServiceAccount,
  deprecatedApi,
  dockerSocket,
  envSecretValue,
  hostNamespaces,
  hostPath,
  hostPort,
  hpaMinReplicas,
  frozenRegistry,
  hpaDuplicate,
  hpaFixedReplicas,
  hpaTarget,
  hpaVpaConflict,
  imageTagRule,
  ingressBackend,
  operatorReferences,
  ingressNginxRetired,
  routeBackend,
  routeConflict,
  routeParent,
  ingressTls,
  livenessProbe,
  memoryLimit,
  networkPolicyBlocksDependency,
  networkPolicyCoverage,
  pdbBlocksEviction,
  pdbMissing,
  pdbSelectsNothing,
  pdbUnhealthyEviction,
  plaintextSecret,
  podSecurity,
  podSpreading,
  privilegeEscalation,
  privileged,
  probePort,
  probesIdentical,
  rbacEscalation,
  rbacPodExec,
  rbacReadSecrets,
  rbacWildcard,
  readOnlyRootFilesystem,
  readinessProbe,
  removedApi,
  replicas,
  requiredLabels,
  resourceRequests,
  rootGroup,
  runAsNonRoot,
  schema,
  seccompProfile,
  selectorMismatch,
  serviceMonitorPort,
  serviceSelectsNothing,
  serviceTargetPort,
  storageClass,
  yamlSyntax,
]);

function sortRules(rules: Rule[]): Rule[] {
  return rules.sort(
    (a, b) =>
      CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The rule with an id, if there is one. */
export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
