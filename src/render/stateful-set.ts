import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IContainer, IVolume, IVolumeMount } from "kubernetes-models/v1";
import type { BackingRuntime } from "../catalog/types.js";
import { headlessName } from "../catalog/helpers.js";
import type { RenderContext } from "./context.js";
import { imageTag, objectLabels, selectorLabels, WAIVE_ANNOTATION_PREFIX } from "./labels.js";
import { ENABLE_SERVICE_LINKS, placementFields, topologySpread } from "./pod.js";
import { containerSecurityContext, podSecurityContext } from "./security-context.js";

/** The name of the data volume claim template. */
export const DATA_VOLUME = "data";

/** Databases get time to flush and shut down cleanly. */
export const BACKING_TERMINATION_GRACE_SECONDS = 60;

/** The component label of backing services. */
export const BACKING_COMPONENT = "backing";

/** An emptyDir volume name for a writable path: `/var/run/postgresql` -> `var-run-postgresql`. */
export function volumeNameFor(path: string): string {
  return (
    path
      .replace(/^\/+/, "")
      .replace(/[^a-z0-9]+/gi, "-")
      .toLowerCase() || "root"
  );
}

/** The name of a backing's main container: its type (`postgresql`), as `kubectl exec -c` needs it. */
export function backingContainerName(b: Pick<BackingRuntime, "type">): string {
  return b.type;
}

/**
 * The StatefulSet of a backing service: stable identity, a volumeClaimTemplate for its data that
 * outlives the set (PVCs retained on delete and scale-down), the image's own user, and real probes.
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
 */
export function renderStatefulSet(
  ctx: RenderContext,
  b: BackingRuntime,
): IStatefulSet & { metadata: { name: string } } {
  const { model } = ctx;
  const selector = selectorLabels(model, b.name);
  const mounts: IVolumeMount[] = [
    { name: DATA_VOLUME, mountPath: b.dataPath },
    ...b.writablePaths.map((p) => ({ name: volumeNameFor(p), mountPath: p })),
  ];
  const volumes: IVolume[] = b.writablePaths.map((p) => ({
    name: volumeNameFor(p),
    emptyDir: { sizeLimit: "1Gi" },
  }));
  const main: IContainer = {
    name: backingContainerName(b),
    image: b.image,
    imagePullPolicy: "IfNotPresent",
    ...(b.command ? { command: [...b.command] } : {}),
    ...(b.args ? { args: [...b.args] } : {}),
    ports: b.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
    ...(b.env.length > 0 ? { env: [...b.env] } : {}),
    resources: {
      requests: { cpu: b.resources.requests.cpu, memory: b.resources.requests.memory },
      limits: { cpu: b.resources.limits.cpu, memory: b.resources.limits.memory },
    },
    readinessProbe: b.readiness,
    livenessProbe: b.liveness,
    startupProbe: b.startup,
    securityContext: containerSecurityContext(model, b.readOnlyRootFilesystem),
    volumeMounts: mounts,
  };
  const containers: IContainer[] = [main];
  if (b.metrics?.sidecar)
    containers.push({ ...b.metrics.sidecar, securityContext: containerSecurityContext(model) });
  const waivers =
    b.writableRootReason === undefined
      ? {}
      : { [`${WAIVE_ANNOTATION_PREFIX}read-only-root-filesystem`]: b.writableRootReason };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: {
      name: b.name,
      namespace: model.namespace,
      labels: objectLabels(model, b.name, BACKING_COMPONENT, imageTag(b.image)),
      ...(Object.keys(waivers).length > 0 ? { annotations: waivers } : {}),
    },
    spec: {
      serviceName: headlessName(b.name),
      replicas: b.replicas,
      // Clustered engines must start all members at once to form a quorum.
      podManagementPolicy: b.publishNotReadyAddresses ? "Parallel" : "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      revisionHistoryLimit: 5,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: objectLabels(model, b.name, BACKING_COMPONENT, imageTag(b.image)),
          ...(Object.keys(b.placement.annotations).length > 0
            ? { annotations: { ...b.placement.annotations } }
            : {}),
        },
        spec: {
          serviceAccountName: b.name,
          automountServiceAccountToken: false,
          enableServiceLinks: ENABLE_SERVICE_LINKS,
          terminationGracePeriodSeconds: BACKING_TERMINATION_GRACE_SECONDS,
          securityContext: podSecurityContext(model, b.user),
          ...(b.replicas > 1 ? { topologySpreadConstraints: topologySpread(selector) } : {}),
          ...placementFields(b.placement),
          containers,
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: DATA_VOLUME, labels: selector },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(b.storageClass === undefined ? {} : { storageClassName: b.storageClass }),
            resources: { requests: { storage: b.storage } },
          },
        },
      ],
    },
  };
}
