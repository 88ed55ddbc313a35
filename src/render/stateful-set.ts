import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IAffinity, IContainer, IVolume, IVolumeMount } from "kubernetes-models/v1";
import type { BackingRuntime } from "../catalog/types.js";
import { headlessName } from "../catalog/helpers.js";
import { filesConfigMapName, type RenderContext, shortHash } from "./context.js";
import {
  backingGroupLabels,
  FILES_HASH_ANNOTATION,
  imageTag,
  objectLabels,
  selectorLabels,
  WAIVE_ANNOTATION_PREFIX,
} from "./labels.js";
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

/** The volume of a backing's files (scripts, configuration) from its ConfigMap. */
const FILES_VOLUME = "files";

/** Prefer a node where no other pod of the same group runs (soft: a small cluster still schedules). */
function preferOtherNodes(group: Record<string, string>): IAffinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: group } },
        },
      ],
    },
  };
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
  groupSize: number = b.replicas,
): IStatefulSet & { metadata: { name: string } } {
  const { model } = ctx;
  const selector = selectorLabels(model, b.name);
  const mounts: IVolumeMount[] = [
    { name: DATA_VOLUME, mountPath: b.dataPath },
    ...b.writablePaths.map((p) => ({ name: volumeNameFor(p), mountPath: p })),
    ...(b.files === undefined ? [] : [{ name: FILES_VOLUME, mountPath: b.files.mountPath, readOnly: true }]),
    ...(b.volumes ?? []).map((v) => ({ name: v.volume.name, mountPath: v.mountPath, readOnly: true })),
  ];
  const volumes: IVolume[] = [
    ...b.writablePaths.map((p) => ({ name: volumeNameFor(p), emptyDir: { sizeLimit: "1Gi" } })),
    ...(b.files === undefined
      ? []
      : [
          {
            name: FILES_VOLUME,
            configMap: { name: filesConfigMapName(b.group), defaultMode: b.files.executable ? 0o555 : 0o444 },
          },
        ]),
    ...(b.volumes ?? []).map((v) => v.volume),
  ];
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
  const initContainers = (b.initContainers ?? []).map((c) => ({
    ...c,
    securityContext: containerSecurityContext(model, true),
  }));
  const podLabels = {
    ...objectLabels(model, b.name, BACKING_COMPONENT, imageTag(b.image)),
    ...backingGroupLabels(model, b.group),
    ...(b.podLabels ?? {}),
  };
  const group = backingGroupLabels(model, b.group);
  const podAnnotations: Record<string, string> = {
    ...b.placement.annotations,
    // A change of the mounted files rolls the pods, as a change of the shared config does.
    ...(b.files === undefined ? {} : { [FILES_HASH_ANNOTATION]: shortHash(JSON.stringify(b.files)) }),
  };
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
      labels: { ...objectLabels(model, b.name, BACKING_COMPONENT, imageTag(b.image)), ...group },
      ...(Object.keys(waivers).length > 0 ? { annotations: waivers } : {}),
    },
    spec: {
      serviceName: headlessName(b.name),
      replicas: b.replicas,
      // Clustered engines must start all members at once to form a quorum.
      podManagementPolicy: b.parallel ? "Parallel" : "OrderedReady",
      updateStrategy: { type: "RollingUpdate" },
      revisionHistoryLimit: 5,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: podLabels,
          ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
        },
        spec: {
          serviceAccountName: b.group,
          automountServiceAccountToken: false,
          enableServiceLinks: ENABLE_SERVICE_LINKS,
          terminationGracePeriodSeconds: BACKING_TERMINATION_GRACE_SECONDS,
          securityContext: podSecurityContext(model, b.user),
          // Every pod of the backing (a primary and its replicas alike) on its own node where there
          // are nodes enough: one node's loss or drain then takes one member, not two.
          ...(groupSize > 1
            ? { topologySpreadConstraints: topologySpread(group), affinity: preferOtherNodes(group) }
            : {}),
          ...placementFields(b.placement),
          ...(initContainers.length > 0 ? { initContainers } : {}),
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
