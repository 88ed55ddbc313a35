import type { IConfigMap, IContainer, IPodSpec } from "kubernetes-models/v1";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { SecretRequirement } from "../catalog/types.js";
import type { AppModel, AppVolume, Workload } from "../model/app-model.js";
import { fileKey } from "../spec/check-workload-features.js";
import { filesConfigMapName, shortHash } from "./context.js";
import { FILES_HASH_ANNOTATION, objectLabels } from "./labels.js";

/**
 * Pod annotation with a hash of a workload's secret files as the deploy read them (the deploy sets
 * it; render writes none): a changed secret file rolls the pods that mount it, as Helm charts'
 * `checksum/secret` does.
 */
export const SECRET_FILES_HASH_ANNOTATION = "kubeship.io/secret-files-hash";
/** Label of an app volume's claim. */
export const VOLUME_COMPONENT = "volume";

const FILES_VOLUME = "files";
const SECRET_FILES_VOLUME = "secret-files";

/** The pod volume of an app volume. */
function volumeName(volume: string): string {
  return `vol-${volume}`;
}

/** The Secret of a workload's secret files, created at deploy time (never rendered). */
export function secretFilesName(workload: string): string {
  return `${workload}-files`;
}

/** The PersistentVolumeClaim of an app volume; kept by destroy, grown (never replaced) on resize. */
export function renderVolumeClaim(
  model: AppModel,
  v: AppVolume,
): IPersistentVolumeClaim & { metadata: { name: string } } {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: v.name,
      namespace: model.namespace,
      labels: objectLabels(model, v.name, VOLUME_COMPONENT),
    },
    spec: {
      accessModes: [v.access],
      ...(v.storageClass === undefined ? {} : { storageClassName: v.storageClass }),
      resources: { requests: { storage: v.size } },
    },
  };
}

/** The ConfigMap of a workload's configuration files (one key per file), or none. */
export function renderWorkloadFilesConfigMap(
  model: AppModel,
  w: Workload,
): (IConfigMap & { metadata: { name: string } }) | undefined {
  const files = w.files.flatMap((f) => (f.kind === "config" ? [f] : []));
  if (files.length === 0) return undefined;
  const name = filesConfigMapName(w.name);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: model.namespace,
      labels: objectLabels(model, name, w.kind === "cronjob" ? "job" : w.kind),
    },
    data: Object.fromEntries(files.map((f) => [fileKey(f.path), f.content])),
  };
}

/** The Secret a workload's secret files are read into at deploy time: key per file, value from its file. */
export function secretFilesRequirement(w: Workload): SecretRequirement | undefined {
  const files = w.files.flatMap((f) => (f.kind === "secret" ? [f] : []));
  if (files.length === 0) return undefined;
  return {
    name: secretFilesName(w.name),
    keys: files.map((f) => fileKey(f.path)),
    source: "external",
    files: Object.fromEntries(files.map((f) => [fileKey(f.path), f.from])),
  };
}

/** Whether a workload mounts a ReadWriteOnce volume writable (a rolling update would need two nodes). */
export function mountsReadWriteOnce(model: AppModel, w: Workload): boolean {
  return w.mounts.some(
    (m) => !m.readOnly && model.volumes.find((v) => v.name === m.volume)?.access === "ReadWriteOnce",
  );
}

/**
 * The pod volumes and main-container mounts of a workload's app volumes and files. Each file is
 * mounted alone (subPath): kubeship cannot see which files the image keeps in that directory, and
 * a directory mount would hide them (nginx's mime.types beside nginx.conf). subPath mounts do not
 * follow ConfigMap updates, so a changed file rolls the pods instead (FILES_HASH_ANNOTATION).
 */
export function workloadVolumes(
  model: AppModel,
  w: Workload,
): {
  readonly volumes: NonNullable<IPodSpec["volumes"]>;
  readonly mounts: NonNullable<IContainer["volumeMounts"]>;
  readonly annotations: Readonly<Record<string, string>>;
} {
  const volumes: NonNullable<IPodSpec["volumes"]> = [];
  const mounts: NonNullable<IContainer["volumeMounts"]> = [];
  for (const m of w.mounts) {
    volumes.push({
      name: volumeName(m.volume),
      persistentVolumeClaim: { claimName: m.volume, ...(m.readOnly ? { readOnly: true } : {}) },
    });
    mounts.push({ name: volumeName(m.volume), mountPath: m.path, ...(m.readOnly ? { readOnly: true } : {}) });
  }
  const config = w.files.flatMap((f) => (f.kind === "config" ? [f] : []));
  const secret = w.files.filter((f) => f.kind === "secret");
  if (config.length > 0)
    volumes.push({ name: FILES_VOLUME, configMap: { name: filesConfigMapName(w.name), defaultMode: 0o444 } });
  if (secret.length > 0)
    volumes.push({
      name: SECRET_FILES_VOLUME,
      // Group-readable through the pod's fsGroup where kubeship sets one; else readable as Kubernetes' default.
      secret: {
        secretName: secretFilesName(w.name),
        defaultMode: model.security.podSecurity === "baseline" ? 0o444 : 0o440,
      },
    });
  for (const f of w.files)
    mounts.push({
      name: f.kind === "config" ? FILES_VOLUME : SECRET_FILES_VOLUME,
      mountPath: f.path,
      subPath: fileKey(f.path),
      readOnly: true,
    });
  mounts.sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
  const annotations =
    config.length > 0
      ? {
          [FILES_HASH_ANNOTATION]: shortHash(JSON.stringify(config.map((f) => [f.path, f.content]))),
        }
      : {};
  return { volumes, mounts, annotations };
}
