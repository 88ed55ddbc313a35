import { asArray, asString, field } from "../object.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const storageClass: Rule = {
  id: "storage-class",
  severity: "error",
  category: "consistency",
  title: "Volume claims ask for a storage class that exists",
  why: "A PersistentVolumeClaim for a storage class nobody provides stays Pending forever, and so does the database pod that mounts it; the only hint is an event. Classes differ between clusters (gp3, standard, local-path), so manifests copied from elsewhere often name one that is not there.",
  fix: "Use a class the cluster has (`kubectl get storageclass`), or leave `storageClassName` unset for the default class. Tell lint what the cluster provides with `rules: {storage-class: {classes: [gp3, standard]}}` in `.kubeship-lint.yaml`; StorageClass objects in the input count too. Without either, the rule has nothing to compare against and stays silent.",
  optionsDoc: { classes: "the storage classes the target cluster provides" },
  examples: {
    bad: "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: ebs.csi.aws.com\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  storageClassName: ssd\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n",
    good: "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: ebs.csi.aws.com\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n",
  },
  *check(ctx) {
    const known = new Set([
      ...ctx.objects.filter((o) => o.kind === "StorageClass").map((o) => o.name),
      ...asArray(ctx.options.classes).filter((x): x is string => typeof x === "string"),
    ]);
    if (known.size === 0) return;
    const list = [...known].sort().join(", ");
    for (const o of ctx.objects) {
      if (o.kind === "PersistentVolumeClaim") {
        const cls = asString(field(o.object, "spec", "storageClassName"));
        if (cls !== undefined && cls !== "" && !known.has(cls))
          yield finding(
            o,
            ["spec", "storageClassName"],
            `PersistentVolumeClaim/${o.name} asks for storage class ${cls}, which nothing provides`,
            `use one of: ${list}, or leave it unset for the default`,
          );
      }
      if (o.kind === "StatefulSet") {
        const templates = asArray(field(o.object, "spec", "volumeClaimTemplates"));
        for (let i = 0; i < templates.length; i++) {
          const cls = asString(field(templates[i], "spec", "storageClassName"));
          if (cls !== undefined && cls !== "" && !known.has(cls))
            yield finding(
              o,
              ["spec", "volumeClaimTemplates", i, "spec", "storageClassName"],
              `StatefulSet/${o.name} asks for storage class ${cls}, which nothing provides`,
              `use one of: ${list}, or leave it unset for the default`,
            );
        }
      }
    }
  },
};
