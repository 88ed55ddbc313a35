import * as k8s from "@kubernetes/client-node";
import * as https from "node:https";
import * as http from "node:http";
import { ClusterError, UnreachableError } from "./errors.js";

/** Where to find the cluster: a kubeconfig file and context, defaulting like kubectl (KUBECONFIG, current context). */
export interface ConnectOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** A response body: JSON, as the API sent it. */
export type Json = Record<string, unknown>;

/**
 * A minimal Kubernetes HTTP client: client-node reads the kubeconfig and supplies credentials and
 * TLS settings; requests and watches are plain JSON, so objects come back exactly as the API sent
 * them. Counts every request (for the benchmarks).
 */
export class KubeHttp {
  requests = 0;
  private constructor(
    readonly server: URL,
    readonly context: string,
    private readonly kc: k8s.KubeConfig,
  ) {}

  static load(options: ConnectOptions = {}): KubeHttp {
    const kc = new k8s.KubeConfig();
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    if (options.context !== undefined) {
      if (!kc.getContexts().some((c) => c.name === options.context))
        throw new UnreachableError(
          `no context '${options.context}' in the kubeconfig; contexts: ${kc
            .getContexts()
            .map((c) => c.name)
            .join(", ")}`,
        );
      kc.setCurrentContext(options.context);
    }
    const cluster = kc.getCurrentCluster();
    if (cluster === null)
      throw new UnreachableError(
        "the kubeconfig has no current cluster: pass --kubeconfig or --context, or set KUBECONFIG",
      );
    return new KubeHttp(new URL(cluster.server), kc.getCurrentContext(), kc);
  }

  /** Sends one request; returns the parsed body, or throws a ClusterError for an API error status. */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> } = {},
  ): Promise<Json> {
    const { status, text } = await this.send(method, path, options);
    const body = text === "" ? {} : (JSON.parse(text) as Json);
    if (status >= 400) {
      const reason = typeof body["reason"] === "string" ? body["reason"] : String(status);
      const message =
        typeof body["message"] === "string" ? body["message"] : `${method} ${path}: HTTP ${status}`;
      throw new ClusterError(message, status, reason, body["details"] as ClusterError["details"]);
    }
    return body;
  }

  /** Reads a plain-text body (pod logs). */
  async text(path: string, query: Record<string, string> = {}): Promise<string> {
    const { status, text } = await this.send("GET", path, { query });
    if (status >= 400) throw new ClusterError(`GET ${path}: HTTP ${status}`, status, String(status));
    return text;
  }

  /**
   * Streams a watch: calls `onEvent` for each event until `stop()` or the server ends the stream
   * (then `onEnd` is called with the error, if any).
   */
  async watch(
    path: string,
    query: Record<string, string>,
    onEvent: (type: string, object: Json) => void,
    onEnd: (err?: Error) => void,
  ): Promise<{ stop(): void }> {
    const req = await this.open("GET", path, { query: { ...query, watch: "true" } });
    let stopped = false;
    req.on("response", (res) => {
      if ((res.statusCode ?? 0) >= 400) {
        onEnd(
          new ClusterError(
            `watch ${path}: HTTP ${res.statusCode ?? 0}`,
            res.statusCode ?? 0,
            String(res.statusCode),
          ),
        );
        res.resume();
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line === "") continue;
          const event = JSON.parse(line) as { type: string; object: Json };
          onEvent(event.type, event.object);
        }
      });
      res.on("end", () => {
        if (!stopped) onEnd();
      });
      res.on("error", (e) => {
        if (!stopped) onEnd(e);
      });
    });
    req.on("error", (e) => {
      if (!stopped)
        onEnd(new UnreachableError(`cannot reach ${this.server.host}: ${e.message}`, { cause: e }));
    });
    req.end();
    return {
      stop: () => {
        stopped = true;
        req.destroy();
      },
    };
  }

  private async send(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> },
  ): Promise<{ status: number; text: string }> {
    const req = await this.open(method, path, options);
    return new Promise((resolve, reject) => {
      req.on("response", (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      });
      req.on("error", (e) => {
        reject(
          new UnreachableError(`cannot reach the cluster at ${this.server.host}: ${e.message}`, { cause: e }),
        );
      });
      if (options.body !== undefined)
        req.write(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
      req.end();
    });
  }

  private async open(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> },
  ): Promise<http.ClientRequest> {
    this.requests++;
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: {
        Accept: "application/json",
        ...(options.body !== undefined ? { "Content-Type": options.contentType ?? "application/json" } : {}),
      },
    };
    await this.kc.applyToHTTPSOptions(opts);
    return url.protocol === "https:" ? https.request(opts) : http.request(opts);
  }
}
