import type { KubeObject } from "../render/kube-object.js";
import type { DocPath } from "../spec/diagnostic.js";
import type { Cluster } from "./kube/cluster.js";
import { ClusterError } from "./kube/errors.js";

/** What the API server said of one object in a dry run. */
export type ServerVerdict =
  | { readonly index: number; readonly outcome: "accepted" }
  | { readonly index: number; readonly outcome: "refused"; readonly path: DocPath; readonly message: string }
  | { readonly index: number; readonly outcome: "unchecked"; readonly message: string };

/** A field path as the API server prints it (`spec.containers[0].name`) as a document path. */
export function fieldPath(field: string): DocPath {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

/**
 * Sends each object to the API server as a dry-run create (validation, defaulting, admission
 * webhooks and policies; nothing stored) and reports what it refused, at the field it named. An
 * object in a namespace the cluster lacks, or of a kind it does not serve, is reported unchecked.
 */
export async function serverVerdicts(
  cluster: Cluster,
  objects: readonly KubeObject[],
  defaultNamespace: string,
): Promise<ServerVerdict[]> {
  const out: ServerVerdict[] = [];
  for (const [index, o] of objects.entries()) {
    const object =
      o.metadata.namespace === undefined
        ? { ...o, metadata: { ...o.metadata, namespace: defaultNamespace } }
        : o;
    if (!(await cluster.serves(o.apiVersion, o.kind).catch(() => false))) {
      out.push({
        index,
        outcome: "unchecked",
        message: `the cluster does not serve ${o.apiVersion} ${o.kind}`,
      });
      continue;
    }
    try {
      await cluster.create(object, { dryRun: true });
      out.push({ index, outcome: "accepted" });
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      if (e.status === 404)
        out.push({ index, outcome: "unchecked", message: `not checked by the server: ${e.message}` });
      else if (e.status === 409)
        // Already there: a create cannot be checked; the server validates it when it is applied.
        out.push({
          index,
          outcome: "unchecked",
          message: `not checked by the server: it exists (${e.message})`,
        });
      else {
        const field = e.details?.causes?.find((c) => c.field !== undefined)?.field;
        out.push({
          index,
          outcome: "refused",
          path: field === undefined ? [] : fieldPath(field),
          message: e.message,
        });
      }
    }
  }
  return out;
}
