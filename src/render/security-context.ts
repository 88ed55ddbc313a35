import type { IContainer, IPodSecurityContext } from "kubernetes-models/v1";
import type { AppModel } from "../model/app-model.js";

type ContainerSecurityContext = NonNullable<IContainer["securityContext"]>;

/**
 * The UID and GID kubeship runs user images as under Pod Security "restricted": a high, unprivileged
 * id that belongs to no system account. https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const WORKLOAD_UID = 10001;

/** The seccomp profile every pod gets (required by "restricted"). */
export const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" } as const;

/**
 * Pod-level security context for a pod that runs as `user`. Under "baseline" a user's own image may
 * need its own user (even root): only `known` images (the catalog's, kubeship's jobs) keep their user
 * and fsGroup there, which baseline allows and without which an image running as a non-root user
 * (Kafka, Elasticsearch: uid 1000) cannot write a fresh volume.
 */
export function podSecurityContext(
  model: AppModel,
  user: { uid: number; gid: number; fsGroup: number },
  known = true,
): IPodSecurityContext {
  if (model.security.podSecurity === "baseline" && !known) return { seccompProfile: RUNTIME_DEFAULT_SECCOMP };
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.fsGroup,
    // Re-chown a volume only when its root is not already ours: large volumes would stall every start.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/** The pod security context of user workloads. */
export function workloadPodSecurityContext(model: AppModel): IPodSecurityContext {
  return podSecurityContext(model, { uid: WORKLOAD_UID, gid: WORKLOAD_UID, fsGroup: WORKLOAD_UID }, false);
}

/**
 * Container-level security context: no privilege escalation, every capability dropped, and a
 * read-only root filesystem unless the image must write into it.
 */
export function containerSecurityContext(
  model: AppModel,
  readOnlyRootFilesystem = true,
): ContainerSecurityContext {
  if (model.security.podSecurity === "baseline")
    return { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem };
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}
