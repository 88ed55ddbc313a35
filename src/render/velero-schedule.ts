import type { AppModel } from "../model/app-model.js";
import type { KubeObject } from "./kube-object.js";
import { objectLabels } from "./labels.js";

/**
 * `backup.velero`: a Velero Schedule (velero.io/v1, in Velero's namespace, where Schedules live) of
 * the app's namespace, its volumes included: by Velero's file-system backup (any storage) or by
 * volume snapshots. Kept `ttl`. Applied by the deploy like the app's objects; being in another
 * namespace, it is neither pruned nor destroyed with the app.
 */
export function renderVeleroSchedule(model: AppModel): KubeObject | undefined {
  const v = model.velero;
  if (v === undefined) return undefined;
  return {
    apiVersion: "velero.io/v1",
    kind: "Schedule",
    metadata: { name: model.app, namespace: v.namespace, labels: objectLabels(model, model.app, "backup") },
    spec: {
      schedule: v.schedule,
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [model.namespace],
        ttl: v.ttl,
        ...(v.volumes === "filesystem" ? { defaultVolumesToFsBackup: true } : { snapshotVolumes: true }),
        ...(v.storageLocation === undefined ? {} : { storageLocation: v.storageLocation }),
      },
    },
  };
}
