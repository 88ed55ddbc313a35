import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from "../render/labels.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";
import { ClusterError } from "./kube/errors.js";
import { LockedError } from "./errors.js";

/** How long a lock lives without renewal: a crashed deploy frees it after this. */
export const LOCK_SECONDS = 60;

/** A held lock; renewed in the background until released. */
export interface HeldLock {
  /** Writes where the deploy is (`3/7 services`) on the lock, for anyone watching it (`kubeship ui`). */
  progress(text: string): void;
  release(): Promise<void>;
}

/** The annotation of the lock that says where the deploy holding it is. */
export const LOCK_PROGRESS_ANNOTATION = "kubeship.io/progress";

/** The name of an app's lock (a Lease in its namespace). */
export const lockName = (app: string): string => `kubeship-${app}`;

/** Who holds a lock (its Lease) now, and since when; undefined when nobody does or it expired. */
export function lockHolder(
  lease: LiveObject,
  now: Date,
): { holder: string; acquired?: string; renewed?: string } | undefined {
  const s = (lease["spec"] ?? {}) as {
    holderIdentity?: string;
    acquireTime?: string;
    renewTime?: string;
    leaseDurationSeconds?: number;
  };
  if (s.holderIdentity === undefined || s.holderIdentity === "") return undefined;
  const renewed = s.renewTime === undefined ? 0 : Date.parse(s.renewTime);
  if (renewed + (s.leaseDurationSeconds ?? LOCK_SECONDS) * 1000 <= now.getTime()) return undefined;
  return {
    holder: s.holderIdentity,
    ...(s.acquireTime === undefined ? {} : { acquired: s.acquireTime }),
    ...(s.renewTime === undefined ? {} : { renewed: s.renewTime }),
  };
}

/**
 * Takes the app's deploy lock, a coordination.k8s.io Lease named `kubeship-<app>`: one deploy at a
 * time. A lock held by someone else and renewed within LOCK_SECONDS is refused at once, naming the
 * holder; an expired one is taken over.
 */
export async function acquireLock(
  cluster: Cluster,
  namespace: string,
  app: string,
  holder: string,
  now: () => Date,
): Promise<HeldLock> {
  const ref = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", name: lockName(app), namespace };
  // Labelled as the app's objects are, so that a watch of the app sees its deploys come and go.
  const labels = { [INSTANCE_LABEL]: app, [MANAGED_BY_LABEL]: MANAGED_BY };
  const stamp = (): string =>
    now()
      .toISOString()
      .replace(/\.(\d{3})Z$/, ".$1000Z");
  const existing = await cluster.get(ref);
  const spec = {
    holderIdentity: holder,
    leaseDurationSeconds: LOCK_SECONDS,
    acquireTime: stamp(),
    renewTime: stamp(),
  };
  if (existing === undefined) {
    try {
      await cluster.create({
        apiVersion: ref.apiVersion,
        kind: "Lease",
        metadata: { name: ref.name, namespace, labels },
        spec,
      });
    } catch (e) {
      if (e instanceof ClusterError && e.status === 409)
        return acquireLock(cluster, namespace, app, holder, now);
      throw e;
    }
  } else {
    const current = lockHolder(existing, now());
    if (current !== undefined && current.holder !== holder)
      throw new LockedError(
        `another deploy of ${app} is running: the lock is held by ${current.holder} (renewed ${current.renewed ?? "?"})`,
        `wait for it to finish; a crashed deploy's lock expires ${LOCK_SECONDS} s after its last renewal`,
      );
    try {
      await cluster.replace({
        ...existing,
        metadata: {
          ...existing.metadata,
          labels: { ...existing.metadata.labels, ...labels },
          annotations: { ...existing.metadata.annotations, [LOCK_PROGRESS_ANNOTATION]: "" },
        },
        spec,
      });
    } catch (e) {
      if (e instanceof ClusterError && e.status === 409)
        return acquireLock(cluster, namespace, app, holder, now);
      throw e;
    }
  }
  const timer = setInterval(
    () => {
      cluster.mergePatch(ref, { spec: { renewTime: stamp() } }).catch(() => undefined);
    },
    (LOCK_SECONDS * 1000) / 3,
  );
  timer.unref();
  return {
    progress: (text) => {
      cluster
        .mergePatch(ref, { metadata: { annotations: { [LOCK_PROGRESS_ANNOTATION]: text } } })
        .catch(() => undefined);
    },
    release: async () => {
      clearInterval(timer);
      await cluster.delete(ref);
    },
  };
}
