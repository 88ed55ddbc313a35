import { writeYaml } from "./yaml-writer.js";
import { KIND_ORDER, type KubeObject } from "../render/kube-object.js";
import { type FileTree, fileTree } from "./file-tree.js";

/** The first line of every file kubeship writes. */
export const GENERATED_HEADER = "# Rendered by kubeship: edit the spec, not this file.\n";

/**
 * One object as YAML: block style, no anchors, no folding, and strings quoted wherever a YAML 1.1
 * reader (kubectl, Helm) would take them for something else (`on`, `yes`, `0755`).
 */
export function objectToYaml(object: unknown): string {
  return writeYaml(object);
}

/** All objects as one multi-document stream, in the order given. */
export function emitStream(objects: readonly KubeObject[]): string {
  return GENERATED_HEADER + objects.map((o) => `---\n${objectToYaml(o)}`).join("");
}

/**
 * One file per object: `NN-kind-name.yaml`, where NN is the kind's apply order, so that
 * `kubectl apply -f DIR` creates the Namespace and config before the workloads.
 */
export function emitYamlFiles(objects: readonly KubeObject[]): FileTree {
  return fileTree(objects.map((o) => [objectFileName(o), GENERATED_HEADER + objectToYaml(o)] as const));
}

/** The file name of one object. */
export function objectFileName(o: KubeObject): string {
  const i = KIND_ORDER.indexOf(o.kind);
  const rank = String(i === -1 ? 99 : i).padStart(2, "0");
  return `${rank}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}
