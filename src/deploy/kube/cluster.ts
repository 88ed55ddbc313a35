import type { KubeObject } from "../../render/kube-object.js";
import { ClusterError } from "./errors.js";
import { type ConnectOptions, type Json, KubeHttp } from "./http.js";

/** The field manager of everything kubeship applies. */
export const FIELD_MANAGER = "kubeship";

/** A reference to one object. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A live object, as the API returned it. */
export type LiveObject = KubeObject & {
  metadata: KubeObject["metadata"] & {
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    ownerReferences?: readonly { kind: string; name: string; uid: string; controller?: boolean }[];
  };
};

interface Resource {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The one adapter between kubeship and a cluster: discovery, server-side apply, reads, lists,
 * deletes and watches. Nothing else in kubeship talks to Kubernetes.
 */
export class Cluster {
  private readonly discovery = new Map<string, Promise<Map<string, Resource> | undefined>>();

  private constructor(readonly http: KubeHttp) {}

  /** Connects like kubectl: the kubeconfig from --kubeconfig or KUBECONFIG, the current or given context. */
  static async connect(options: ConnectOptions = {}): Promise<Cluster> {
    return new Cluster(await KubeHttp.load(options));
  }

  /** The API server's address. */
  get server(): string {
    return this.http.server.origin;
  }

  /** How many API requests this connection sent. */
  get requests(): number {
    return this.http.requests;
  }

  /** How many network connections those requests took (one, over HTTP/2, unless the server restarted). */
  get connections(): number {
    return this.http.connections;
  }

  /** The server's version, e.g. `v1.34.4`. */
  async version(): Promise<string> {
    const v = await this.http.request("GET", "/version");
    return String(v["gitVersion"]);
  }

  /** Whether the API serves a kind (false when its CRD is not installed). */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)) !== undefined;
  }

  /** Server-side apply with field manager `kubeship`; `dryRun` asks the server what would happen. */
  async apply(
    object: KubeObject,
    options: { force?: boolean; dryRun?: boolean; fieldManager?: string } = {},
  ): Promise<LiveObject> {
    const path = await this.path(refOf(object), true);
    const query: Record<string, string> = {
      fieldManager: options.fieldManager ?? FIELD_MANAGER,
      fieldValidation: "Strict",
    };
    if (options.force === true) query["force"] = "true";
    if (options.dryRun === true) query["dryRun"] = "All";
    return (await this.http.request("PATCH", path, {
      body: object,
      contentType: "application/apply-patch+yaml",
      query,
    })) as LiveObject;
  }

  /**
   * Creates an object (plain create: used for Secrets that must never be overwritten), or asks the
   * server whether it would (`dryRun`: the API server's validation, admission and webhooks).
   */
  async create(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<LiveObject> {
    const ref = refOf(object);
    const path = await this.path(ref, false);
    return (await this.http.request("POST", path, {
      body: object,
      // A dry run validates as a create does: unknown fields refused (Strict), nothing stored.
      query:
        options.dryRun === true
          ? { fieldManager: FIELD_MANAGER, dryRun: "All", fieldValidation: "Strict" }
          : { fieldManager: FIELD_MANAGER },
    })) as LiveObject;
  }

  /** Replaces an object (optimistic: fails with 409 when its resourceVersion is stale). */
  async replace(object: KubeObject): Promise<LiveObject> {
    return (await this.http.request("PUT", await this.path(refOf(object), true), {
      body: object,
      query: { fieldManager: FIELD_MANAGER },
    })) as LiveObject;
  }

  /** Merge-patches an object. */
  async mergePatch(ref: ObjectRef, patch: Json): Promise<LiveObject> {
    return (await this.http.request("PATCH", await this.path(ref, true), {
      body: patch,
      contentType: "application/merge-patch+json",
      query: { fieldManager: FIELD_MANAGER },
    })) as LiveObject;
  }

  /** Reads an object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<LiveObject | undefined> {
    try {
      return (await this.http.request("GET", await this.path(ref, true))) as LiveObject;
    } catch (e) {
      if (e instanceof ClusterError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Lists objects of a kind in a namespace, optionally by label selector. */
  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
    fieldSelector?: string,
  ): Promise<LiveObject[]> {
    const r = await this.resource(apiVersion, kind);
    if (r === undefined) return [];
    const path = collectionPath(apiVersion, r, namespace);
    const query: Record<string, string> = {};
    if (labelSelector !== undefined) query["labelSelector"] = labelSelector;
    if (fieldSelector !== undefined) query["fieldSelector"] = fieldSelector;
    try {
      const list = await this.http.request("GET", path, { query });
      return ((list["items"] as LiveObject[] | undefined) ?? []).map((o) => ({ ...o, apiVersion, kind }));
    } catch (e) {
      if (e instanceof ClusterError && e.status === 404) return [];
      throw e;
    }
  }

  /** Deletes an object; `orphan` leaves its dependents (a StatefulSet's pods) in place. Absent is fine. */
  async delete(
    ref: ObjectRef,
    options: { orphan?: boolean; propagation?: "Background" | "Foreground" } = {},
  ): Promise<void> {
    const propagationPolicy = options.orphan === true ? "Orphan" : (options.propagation ?? "Background");
    try {
      await this.http.request("DELETE", await this.path(ref, true), {
        body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy },
      });
    } catch (e) {
      if (e instanceof ClusterError && e.status === 404) return;
      throw e;
    }
  }

  /** Watches a kind in a namespace (label-selected); the first events describe what exists now. */
  async watch(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string | undefined,
    onEvent: (type: string, object: LiveObject) => void,
    onEnd: (err?: Error) => void,
  ): Promise<{ stop(): void }> {
    const r = await this.resource(apiVersion, kind);
    if (r === undefined)
      throw new ClusterError(`the cluster does not serve ${kind} (${apiVersion})`, 404, "NotFound");
    return this.http.watch(
      collectionPath(apiVersion, r, namespace),
      labelSelector === undefined ? {} : { labelSelector },
      (type, o) => {
        onEvent(type, { ...o, apiVersion, kind } as LiveObject);
      },
      onEnd,
    );
  }

  /** The last lines of a container's log (its previous run's, for a crash loop). */
  async logs(
    namespace: string,
    pod: string,
    container: string,
    lines = 10,
    previous = false,
  ): Promise<string> {
    try {
      return await this.http.text(`/api/v1/namespaces/${namespace}/pods/${pod}/log`, {
        container,
        tailLines: String(lines),
        ...(previous ? { previous: "true" } : {}),
      });
    } catch {
      return "";
    }
  }

  private async path(ref: ObjectRef, withName: boolean): Promise<string> {
    const r = await this.resource(ref.apiVersion, ref.kind);
    if (r === undefined)
      throw new ClusterError(
        `the cluster does not serve ${ref.kind} (${ref.apiVersion}): is its CRD installed?`,
        404,
        "NotFound",
      );
    const base = collectionPath(ref.apiVersion, r, r.namespaced ? ref.namespace : undefined);
    return withName ? `${base}/${encodeURIComponent(ref.name)}` : base;
  }

  private async resource(apiVersion: string, kind: string): Promise<Resource | undefined> {
    let entry = this.discovery.get(apiVersion);
    if (entry === undefined) {
      entry = this.http
        .request("GET", apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`)
        .then((list) => {
          const out = new Map<string, Resource>();
          for (const r of (list["resources"] as
            { name: string; kind: string; namespaced: boolean }[] | undefined) ?? [])
            if (!r.name.includes("/")) out.set(r.kind, { plural: r.name, namespaced: r.namespaced });
          return out;
        })
        .catch((e: unknown) => {
          // Not cached: a group can be missing for a moment (an API server starting up, a CRD being installed).
          this.discovery.delete(apiVersion);
          if (e instanceof ClusterError && e.status === 404) return undefined;
          throw e;
        });
      this.discovery.set(apiVersion, entry);
    }
    return (await entry)?.get(kind);
  }
}

/** The reference of an object. */
export function refOf(o: KubeObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
  };
}

function collectionPath(apiVersion: string, r: Resource, namespace: string | undefined): string {
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return r.namespaced && namespace !== undefined
    ? `${root}/namespaces/${namespace}/${r.plural}`
    : `${root}/${r.plural}`;
}
