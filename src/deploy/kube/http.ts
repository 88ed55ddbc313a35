import type * as k8s from "@kubernetes/client-node";
import * as http from "node:http";
import { existsSync } from "node:fs";
import * as http2 from "node:http2";
import * as https from "node:https";
import { isIP } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
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
  /** Connections opened: one HTTP/2 connection serves every request over https. */
  connections = 0;
  private h2: http2.ClientHttp2Session | undefined;
  private h2Opening: Promise<http2.ClientHttp2Session | undefined> | undefined;
  /** The server answered without HTTP/2 once: every request goes over HTTP/1.1. */
  private http1Only = false;
  /** Open streams per HTTP/2 connection. */
  private readonly streams = new WeakMap<http2.ClientHttp2Session, number>();
  private constructor(
    readonly server: URL,
    readonly context: string,
    private readonly kc: k8s.KubeConfig,
  ) {}

  static async load(options: ConnectOptions = {}): Promise<KubeHttp> {
    // client-node (and its HTTP stack) loads only when a command talks to a cluster: every other
    // command starts without it.
    const { KubeConfig } = await import("./kubeconfig.js");
    const kc = new KubeConfig();
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else {
      // Without any kubeconfig client-node falls back to http://localhost:8080; say what is missing instead.
      const home = join(homedir(), ".kube", "config");
      if (
        (process.env["KUBECONFIG"] ?? "") === "" &&
        !existsSync(home) &&
        process.env["KUBERNETES_SERVICE_HOST"] === undefined
      )
        throw new UnreachableError(
          `no kubeconfig: KUBECONFIG is not set and ${home} does not exist; pass --kubeconfig FILE or set KUBECONFIG`,
        );
      kc.loadFromDefault();
    }
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
   * (then `onEnd` is called with the error, if any). Rejects when the watch cannot be opened.
   */
  async watch(
    path: string,
    query: Record<string, string>,
    onEvent: (type: string, object: Json) => void,
    onEnd: (err?: Error) => void,
  ): Promise<{ stop(): void }> {
    let stopped = false;
    let ended = false;
    // A server that dies closes the stream without an "end": treat any close as the end.
    const end = (e?: Error): void => {
      if (ended || stopped) return;
      ended = true;
      onEnd(e);
    };
    const exchange = await this.open("GET", path, { query: { ...query, watch: "true" } });
    const { status, body } = exchange;
    if (status >= 400) {
      exchange.cancel();
      throw new ClusterError(`watch ${path}: HTTP ${status}`, status, String(status));
    }
    let buffer = "";
    body.setEncoding("utf8");
    body.on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line === "" || stopped) continue;
        let event: { type: string; object: Json };
        try {
          event = JSON.parse(line) as { type: string; object: Json };
        } catch {
          // Not a watch event (a proxy's error page, a cut line): end, and let the caller open it again.
          exchange.cancel();
          end(new UnreachableError(`the watch of ${path} sent something that is not JSON`));
          return;
        }
        onEvent(event.type, event.object);
      }
    });
    body.on("end", () => {
      end();
    });
    body.on("close", () => {
      end();
    });
    body.on("error", (e) => {
      end(e);
    });
    return {
      stop: () => {
        stopped = true;
        exchange.cancel();
      },
    };
  }

  private async send(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> },
  ): Promise<{ status: number; text: string }> {
    const { status, body } = await this.open(method, path, options);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let ended = false;
      body.on("data", (c: Buffer) => chunks.push(c));
      body.on("end", () => {
        ended = true;
        resolve({ status, text: Buffer.concat(chunks).toString("utf8") });
      });
      body.on("error", (e) => {
        reject(this.unreachable(e));
      });
      // A stream reset or a connection lost mid-answer closes without an end: retried like any loss.
      body.on("close", () => {
        if (!ended) reject(this.unreachable(new Error("the connection closed in the middle of the answer")));
      });
    });
  }

  /**
   * Sends a request and resolves with the response status and its body stream. Over https it uses one
   * HTTP/2 connection for every request and watch, as client-go does (no TLS handshake per request);
   * a server that does not offer HTTP/2 (a proxy in front of the API) and plain http (`kubectl
   * proxy`) get HTTP/1.1.
   */
  private async open(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; query?: Record<string, string> },
  ): Promise<Exchange> {
    this.requests++;
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const tls: https.RequestOptions = {};
    // client-node refuses to dress a plain-http server (`kubectl proxy`) with TLS: it needs no credentials.
    if (url.protocol === "https:") await this.kc.applyToHTTPSOptions(tls);
    const headers: Record<string, string> = { accept: "application/json" };
    for (const [k, v] of Object.entries(tls.headers ?? {}))
      if (typeof v === "string" || typeof v === "number") headers[k.toLowerCase()] = String(v);
    if (tls.auth != null) headers["authorization"] = `Basic ${Buffer.from(tls.auth).toString("base64")}`;
    if (options.body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body);
    const target = `${url.pathname}${url.search}`;
    if (url.protocol === "https:") {
      const session = await this.session(tls).catch((e: unknown) => {
        throw this.unreachable(e);
      });
      if (session !== undefined) return this.openHttp2(session, method, target, headers, payload);
    }
    return this.openHttp1(method, url, target, headers, payload, tls);
  }

  private openHttp2(
    session: http2.ClientHttp2Session,
    method: string,
    target: string,
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        // endStream explicitly: Node closes a DELETE's body by default, and ours carries DeleteOptions.
        stream = session.request(
          { ":method": method, ":path": target, ...headers },
          { endStream: payload === undefined },
        );
      } catch (e) {
        this.dropSession(session);
        reject(this.unreachable(e));
        return;
      }
      this.track(session, stream);
      let answered = false;
      stream.on("response", (h) => {
        answered = true;
        resolve({
          status: h[":status"] ?? 0,
          body: stream,
          cancel: () => {
            stream.close(http2.constants.NGHTTP2_CANCEL);
          },
        });
      });
      stream.on("error", (e) => {
        if (!answered) reject(this.unreachable(e));
      });
      stream.on("close", () => {
        if (!answered) reject(this.unreachable(new Error(`stream closed (code ${stream.rstCode})`)));
      });
      if (payload !== undefined) stream.end(payload);
    });
  }

  private openHttp1(
    method: string,
    url: URL,
    target: string,
    headers: Record<string, string>,
    payload: string | undefined,
    tls: https.RequestOptions,
  ): Promise<Exchange> {
    this.connections++;
    return new Promise((resolve, reject) => {
      const options: https.RequestOptions = {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: target,
        headers,
      };
      const req =
        url.protocol === "https:"
          ? https.request({ ...options, ...this.tlsOptions(tls), agent: false })
          : http.request(options);
      req.on("response", (res: http.IncomingMessage) => {
        resolve({
          status: res.statusCode ?? 0,
          body: res,
          cancel: () => {
            req.destroy();
          },
        });
      });
      req.on("error", (e) => {
        reject(this.unreachable(e));
      });
      req.end(payload);
    });
  }

  /** TLS settings from the kubeconfig, as `tls.connect` and `https.request` take them. */
  private tlsOptions(tls: https.RequestOptions): ConnectionOptions {
    const tlsServerName = this.kc.getCurrentCluster()?.tlsServerName;
    // A server name is for SNI and the certificate check; Node refuses an IP address as one.
    const servername = tlsServerName ?? (isIP(this.server.hostname) === 0 ? this.server.hostname : undefined);
    return {
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.pfx === undefined ? {} : { pfx: tls.pfx }),
      ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
      ...(servername === undefined ? {} : { servername }),
    };
  }

  /**
   * The HTTP/2 connection, opened on first use (one, however many requests ask at once) and again
   * after the server closed it (a restart); undefined when the server does not offer HTTP/2.
   */
  private session(tls: https.RequestOptions): Promise<http2.ClientHttp2Session | undefined> {
    if (this.http1Only) return Promise.resolve(undefined);
    const current = this.h2;
    if (current !== undefined && (current.closed || current.destroyed)) this.dropSession(current);
    if (this.h2Opening !== undefined) return this.h2Opening;
    const opening = this.connectHttp2(tls).catch((e: unknown) => {
      if (this.h2Opening === opening) this.h2Opening = undefined;
      throw e;
    });
    this.h2Opening = opening;
    return opening;
  }

  private async connectHttp2(tls: https.RequestOptions): Promise<http2.ClientHttp2Session | undefined> {
    this.connections++;
    const socket = tlsConnect({
      host: this.server.hostname,
      port: Number(this.server.port === "" ? 443 : this.server.port),
      ...this.tlsOptions(tls),
      ALPNProtocols: ["h2", "http/1.1"],
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    if (socket.alpnProtocol !== "h2") {
      socket.destroy();
      this.http1Only = true;
      return undefined;
    }
    const session = http2.connect(this.server.origin, {
      createConnection: () => socket,
      // Receive windows as client-go's transport has them (4 MiB a stream, 1 GiB the connection),
      // not Node's 64 KiB, so large lists and busy watches do not wait for window updates.
      settings: { initialWindowSize: 4 << 20 },
    });
    session.setMaxListeners(0);
    session.on("connect", () => {
      session.setLocalWindowSize(1 << 30);
    });
    // Errors reach the streams; the session only has to be forgotten so the next request reconnects.
    session.on("error", () => {
      this.dropSession(session);
    });
    session.on("goaway", () => {
      this.dropSession(session);
    });
    session.on("close", () => {
      this.dropSession(session);
    });
    session.unref();
    this.h2 = session;
    return session;
  }

  private dropSession(session: http2.ClientHttp2Session): void {
    if (this.h2 !== session) return;
    this.h2 = undefined;
    this.h2Opening = undefined;
  }

  /** Keeps the process alive while a stream is open, and not a moment longer. */
  private track(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): void {
    this.streams.set(session, (this.streams.get(session) ?? 0) + 1);
    session.ref();
    stream.on("close", () => {
      const left = (this.streams.get(session) ?? 1) - 1;
      this.streams.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
  }

  private unreachable(e: unknown): UnreachableError {
    const message = e instanceof Error ? e.message : String(e);
    return new UnreachableError(`cannot reach the cluster at ${this.server.host}: ${message}`, { cause: e });
  }
}

/** A response on its way: the status, the body as a stream, and a way to stop it early. */
interface Exchange {
  readonly status: number;
  readonly body: Readable;
  cancel(): void;
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
