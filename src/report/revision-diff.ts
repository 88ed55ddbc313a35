import { createTwoFilesPatch } from "diff";
import { writeYaml } from "../emit/yaml-writer.js";
import type { KubeObject } from "../render/kube-object.js";

/** What changed between two revisions, object by object, as unified diffs of their YAML. */
export interface RevisionDiff {
  readonly from: number;
  readonly to: number;
  readonly objects: readonly {
    readonly object: string;
    readonly change: "added" | "removed" | "changed";
    /** A unified diff of the object's YAML; a Secret's values are never shown, only that they changed. */
    readonly diff: string;
  }[];
  /** A unified diff of the spec text each revision was rendered from. */
  readonly spec: string;
}

/** The part of a revision the diff reads. */
export interface RevisionContent {
  readonly revision: number;
  readonly spec: string;
  readonly objects: readonly KubeObject[];
}

const keyOf = (o: KubeObject): string =>
  `${o.kind}/${o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`}${o.metadata.name}`;

/**
 * A Secret as the diff shows it: each value replaced by a short fingerprint, so that a changed value
 * shows as changed and no value is ever shown.
 */
function redacted(o: KubeObject): KubeObject {
  if (o.kind !== "Secret") return o;
  const hide = (values: unknown): Record<string, string> | undefined =>
    typeof values === "object" && values !== null
      ? Object.fromEntries(
          Object.entries(values as Record<string, unknown>).map(([k, v]) => [
            k,
            `(hidden, ${fingerprint(String(v))})`,
          ]),
        )
      : undefined;
  const r = o as KubeObject & { data?: unknown; stringData?: unknown };
  const data = hide(r.data);
  const stringData = hide(r.stringData);
  return {
    ...o,
    ...(data === undefined ? {} : { data }),
    ...(stringData === undefined ? {} : { stringData }),
  };
}

/** A short, non-reversible fingerprint of a value (FNV-1a, 32 bits): enough to see that it changed. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The differences between two revisions: added, removed and changed objects, and the spec's diff. */
export function diffRevisions(a: RevisionContent, b: RevisionContent): RevisionDiff {
  const before = new Map(a.objects.map((o) => [keyOf(o), writeYaml(redacted(o))]));
  const after = new Map(b.objects.map((o) => [keyOf(o), writeYaml(redacted(o))]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const objects: RevisionDiff["objects"][number][] = [];
  for (const name of names) {
    const x = before.get(name);
    const y = after.get(name);
    if (x === y) continue;
    objects.push({
      object: name,
      change: x === undefined ? "added" : y === undefined ? "removed" : "changed",
      diff: patch(name, a.revision, b.revision, x ?? "", y ?? ""),
    });
  }
  return {
    from: a.revision,
    to: b.revision,
    objects,
    spec: a.spec === b.spec ? "" : patch("spec", a.revision, b.revision, a.spec, b.spec),
  };
}

function patch(name: string, from: number, to: number, x: string, y: string): string {
  // The separator line (===) is left out; the ---/+++ lines name the object and the revisions.
  return createTwoFilesPatch(`${name} (revision ${from})`, `${name} (revision ${to})`, x, y, "", "", {
    context: 3,
  })
    .split("\n")
    .slice(1)
    .join("\n");
}
