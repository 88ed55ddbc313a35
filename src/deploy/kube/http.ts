import * as k8s from "@kubernetes/client-node";
import * as https from "node:https";
import * as http from "node:http";
import { ClusterError, UnreachableError } from "./errors.js";

/** Where to find the cluster: a kubeconfig file and context, defaulting like kubectl (KUBECONFIG, current context). */
export interface ConnectOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** How long idempotent requests are retried while the API server is unreachable or overloaded. */
export const RETRY_SECONDS = 60;

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

  /**
   * Sends one request; returns the parsed body, or throws a ClusterError for an API error status.
   * Idempotent requests (everything but POST) are retried with backoff, for up to RETRY_SECONDS,
   * when the server cannot be reached or answers 429 or 5xx: an API server restart is survived.
   */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> } = {},
  ): Promise<Json> {
    const deadline = Date.now() + RETRY_SECONDS * 1000;
    for (let delay = 250; ; delay = Math.min(delay * 2, 4000)) {
      try {
        return await this.requestOnce(method, path, options);
      } catch (e) {
        const transient =
          e instanceof UnreachableError ||
          (e instanceof ClusterError && (e.status === 429 || e.status >= 500));
        if (!transient || method === "POST" || Date.now() + delay > deadline) throw e;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async requestOnce(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> },
  ): Promise<Json> {
    const { status, text } = await this.send(method, path, options);
    const body = parseBody(text);
    if (status >= 400) {
      const reason = typeof body["reason"] === "string" ? body["reason"] : String(status);
      const message =
        typeof body["message"] === "string" && body["kind"] === "Status"
          ? body["message"]
          : `${method} ${path}: HTTP ${status} ${typeof body["message"] === "string" ? body["message"] : ""}`.trim();
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
      // A server that dies closes the stream without an "end": treat any close as the end.
      let ended = false;
      const end = (e?: Error): void => {
        if (ended || stopped) return;
        ended = true;
        onEnd(e);
      };
      res.on("end", () => {
        end();
      });
      res.on("close", () => {
        end();
      });
      res.on("error", (e) => {
        end(e);
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

/** A JSON body, or the text as a message (some errors, like a 404 for an unknown group, are plain text). */
function parseBody(text: string): Json {
  if (text === "") return {};
  try {
    return JSON.parse(text) as Json;
  } catch {
    return { message: text.trim() };
  }
}
