import { gunzipSync, gzipSync } from "node:zlib";
import type { KubeObject } from "../render/kube-object.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";

/** What became of a revision. */
export type RevisionStatus = "pending" | "deployed" | "failed" | "superseded" | "interrupted";

/** One deploy, as stored in the cluster. */
export interface Revision {
  readonly revision: number;
  readonly app: string;
  readonly namespace: string;
  readonly env?: string;
  readonly time: string;
  readonly status: RevisionStatus;
  /** One line: what changed. */
  readonly summary: string;
  /** The spec text it was rendered from. */
  readonly spec: string;
  readonly objects: readonly KubeObject[];
}

/** A revision's metadata, without its objects (listing history reads no payloads). */
export type RevisionInfo = Omit<Revision, "spec" | "objects">;

const APP_LABEL = "kubeship.io/app";
const REVISION_LABEL = "kubeship.io/revision";
const STATUS_LABEL = "kubeship.io/status";
const TYPE = "kubeship.io/revision";
// A Secret holds at most 1 MiB; stay well under it and spread larger payloads over several.
const CHUNK = 700 * 1024;

/** The name of a revision's Secret (and of its further parts). */
export function revisionSecretName(app: string, revision: number, part = 0): string {
  return part === 0 ? `kubeship.${app}.r${revision}` : `kubeship.${app}.r${revision}.p${part}`;
}

/** Stores a revision: gzipped JSON in one or more Secrets of type kubeship.io/revision. */
export async function saveRevision(cluster: Cluster, r: Revision): Promise<void> {
  const payload = gzipSync(JSON.stringify({ spec: r.spec, objects: r.objects }), { level: 9 });
  const parts = Math.max(1, Math.ceil(payload.length / CHUNK));
  for (let part = 0; part < parts; part++) {
    const chunk = payload.subarray(part * CHUNK, (part + 1) * CHUNK);
    await cluster.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: revisionSecretName(r.app, r.revision, part),
        namespace: r.namespace,
        labels: {
          [APP_LABEL]: r.app,
          [REVISION_LABEL]: String(r.revision),
          [STATUS_LABEL]: r.status,
          ...(part > 0 ? { "kubeship.io/part": String(part) } : {}),
        },
        annotations:
          part === 0
            ? {
                "kubeship.io/time": r.time,
                "kubeship.io/summary": r.summary,
                "kubeship.io/parts": String(parts),
                ...(r.env ? { "kubeship.io/env": r.env } : {}),
              }
            : {},
      },
      type: TYPE,
      data: { "revision.json.gz": chunk.toString("base64") },
    });
  }
}

/** Sets a revision's status (and summary). */
export async function markRevision(
  cluster: Cluster,
  app: string,
  namespace: string,
  revision: number,
  status: RevisionStatus,
  summary?: string,
): Promise<void> {
  await cluster.mergePatch(
    { apiVersion: "v1", kind: "Secret", name: revisionSecretName(app, revision), namespace },
    {
      metadata: {
        labels: { [STATUS_LABEL]: status },
        ...(summary === undefined ? {} : { annotations: { "kubeship.io/summary": summary } }),
      },
    },
  );
}

/** Every revision of an app, oldest first, metadata only. */
export async function listRevisions(
  cluster: Cluster,
  app: string,
  namespace: string,
): Promise<RevisionInfo[]> {
  const secrets = await cluster.list("v1", "Secret", namespace, revisionSelector(app));
  return secrets
    .map((s) => revisionInfo(s))
    .filter((r): r is RevisionInfo => r !== undefined)
    .sort((a, b) => a.revision - b.revision);
}

/** The label selector of an app's revision Secrets (their first parts). */
export function revisionSelector(app: string): string {
  return `${APP_LABEL}=${app},!kubeship.io/part`;
}

/** One revision with its spec and objects. */
export async function loadRevision(
  cluster: Cluster,
  app: string,
  namespace: string,
  revision: number,
): Promise<Revision | undefined> {
  const head = await cluster.get({
    apiVersion: "v1",
    kind: "Secret",
    name: revisionSecretName(app, revision),
    namespace,
  });
  if (head === undefined) return undefined;
  const parts = Number(head.metadata.annotations?.["kubeship.io/parts"] ?? "1");
  const chunks: Buffer[] = [];
  for (let part = 0; part < parts; part++) {
    const s =
      part === 0
        ? head
        : await cluster.get({
            apiVersion: "v1",
            kind: "Secret",
            name: revisionSecretName(app, revision, part),
            namespace,
          });
    chunks.push(
      Buffer.from(
        ((s?.["data"] as Record<string, string> | undefined) ?? {})["revision.json.gz"] ?? "",
        "base64",
      ),
    );
  }
  const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as {
    spec: string;
    objects: KubeObject[];
  };
  return { ...infoOf(head), spec: body.spec, objects: body.objects };
}

/** Deletes every revision Secret of an app (destroy). */
export async function deleteRevisions(cluster: Cluster, app: string, namespace: string): Promise<void> {
  for (const s of await cluster.list("v1", "Secret", namespace, `${APP_LABEL}=${app}`))
    if (s["type"] === TYPE)
      await cluster.delete({ apiVersion: "v1", kind: "Secret", name: s.metadata.name, namespace });
}

/** A revision's metadata from its Secret; undefined for a Secret that is not a revision. */
export function revisionInfo(s: LiveObject): RevisionInfo | undefined {
  if (s["type"] !== TYPE) return undefined;
  return infoOf(s);
}

function infoOf(s: LiveObject): RevisionInfo {
  const a = s.metadata.annotations ?? {};
  const l = s.metadata.labels ?? {};
  const env = a["kubeship.io/env"];
  return {
    revision: Number(l[REVISION_LABEL] ?? "0"),
    app: l[APP_LABEL] ?? "",
    namespace: s.metadata.namespace ?? "",
    ...(env === undefined ? {} : { env }),
    time: a["kubeship.io/time"] ?? "",
    status: (l[STATUS_LABEL] ?? "pending") as RevisionStatus,
    summary: a["kubeship.io/summary"] ?? "",
  };
}
