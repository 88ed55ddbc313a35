import type { KubeObject } from "../render/kube-object.js";
import { type FileTree, fileTree } from "./file-tree.js";
import { diffJson } from "./json-patch.js";
import { GENERATED_HEADER, objectFileName, objectToYaml } from "./yaml.js";

const KUSTOMIZATION = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" } as const;

const key = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/**
 * A Kustomize tree: `base/` with one file per object, and `overlays/<env>/` for every environment
 * holding only the differences: a JSON patch per changed object, a delete patch per object the
 * environment drops, and the objects it adds.
 */
export function emitKustomize(
  base: readonly KubeObject[],
  environments: ReadonlyMap<string, readonly KubeObject[]>,
): FileTree {
  const files: [string, string][] = [];
  for (const o of base) files.push([`base/${objectFileName(o)}`, GENERATED_HEADER + objectToYaml(o)]);
  files.push([
    "base/kustomization.yaml",
    GENERATED_HEADER + objectToYaml({ ...KUSTOMIZATION, resources: base.map(objectFileName) }),
  ]);

  const baseByKey = new Map(base.map((o) => [key(o), o]));
  for (const [env, objects] of environments) {
    const dir = `overlays/${env}`;
    const resources: string[] = ["../../base"];
    const patches: { path: string; target?: Record<string, string> }[] = [];
    const envKeys = new Set(objects.map(key));
    for (const o of objects) {
      const before = baseByKey.get(key(o));
      if (before === undefined) {
        resources.push(objectFileName(o));
        files.push([`${dir}/${objectFileName(o)}`, GENERATED_HEADER + objectToYaml(o)]);
        continue;
      }
      const ops = diffJson(before, o);
      if (ops.length === 0) continue;
      const file = `patch-${objectFileName(o)}`;
      files.push([`${dir}/${file}`, GENERATED_HEADER + objectToYaml(ops)]);
      patches.push({ path: file, target: target(o) });
    }
    for (const o of base) {
      if (envKeys.has(key(o))) continue;
      const file = `delete-${objectFileName(o)}`;
      const deletion = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: {
          name: o.metadata.name,
          ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        },
        $patch: "delete",
      };
      files.push([`${dir}/${file}`, GENERATED_HEADER + objectToYaml(deletion)]);
      patches.push({ path: file });
    }
    files.push([
      `${dir}/kustomization.yaml`,
      GENERATED_HEADER +
        objectToYaml({ ...KUSTOMIZATION, resources, ...(patches.length > 0 ? { patches } : {}) }),
    ]);
  }
  return fileTree(files);
}

function target(o: KubeObject): Record<string, string> {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  return {
    ...(group ? { group } : {}),
    version: version ?? "v1",
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}
