import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { AppWatch } from "../deploy/app-watch.js";
import { deploy, type DeployRequest, rollback } from "../deploy/engine.js";
import { DeployError } from "../deploy/errors.js";
import type { DeployEvent } from "../deploy/events.js";
import { listRevisions, loadRevision } from "../deploy/history.js";
import type { Cluster } from "../deploy/kube/cluster.js";
import { ClusterError } from "../deploy/kube/errors.js";
import { nodeDetails } from "../deploy/node-details.js";
import { unknownHealth } from "../deploy/node-health.js";
import type { PlanEntry } from "../deploy/plan.js";
import type { ExternalValues } from "../deploy/secrets.js";
import { deployWaves } from "../render/deploy-order.js";
import { objectsByNode } from "../render/node-objects.js";
import type { RenderedApp } from "../render/render-app.js";
import { costOf, type PriceTable } from "../report/cost.js";
import { diagramDot } from "../report/diagram.js";
import { dotToSvg } from "../report/diagram-svg.js";
import { formatDiagnostics } from "../report/format-diagnostics.js";
import { diffRevisions } from "../report/revision-diff.js";
import { simulationTarget } from "../simulate/from-render.js";
import { parseLoadProfile } from "../simulate/load-profile.js";
import { simulateHpa } from "../simulate/simulate.js";
import { hasErrors } from "../spec/diagnostic.js";
import type { AppInfo, ErrorAnswer, LiveEvents, PlanAnswer, SimulationAnswer } from "./api-types.js";
import { LiveHub } from "./live-hub.js";
import {
  allowedHosts,
  newToken,
  SECURITY_HEADERS,
  sameOrigin,
  sameSecret,
  TOKEN_COOKIE,
  tokenOf,
} from "./security.js";

/** A spec rendered for the page: the app, or its problems (formatted). */
export interface RenderOutcome {
  readonly app?: RenderedApp;
  readonly problems?: string;
}

/** What `kubeship ui` needs; the CLI supplies the spec, the cluster connection and the settings. */
export interface UiOptions {
  /** Reads the spec file's text (again: the page follows edits). */
  readonly readSpec: () => Promise<string>;
  /** Renders spec text for an environment (the UI's own, or another one for `cost`). */
  readonly render: (text: string, env: string | undefined) => RenderOutcome;
  readonly envs: (text: string) => readonly string[];
  readonly env?: string;
  /** Connects to the cluster (kubeconfig and context as the CLI was given them). */
  readonly connect: () => Promise<Cluster>;
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly readOnly: boolean;
  readonly timeoutSeconds: number;
  readonly skipMissingCrds: boolean;
  readonly prices: PriceTable;
  readonly external: ExternalValues;
  readonly holder: string;
  /** The directory of the page's files (index.html, app.js, app.css), built with kubeship. */
  readonly assets: string;
  /** The access token; a random one when not given. */
  readonly token?: string;
  /** How often the spec file is read for changes. @default 2000 */
  readonly specPollMs?: number;
  /** How long after a failed connection the server tries the cluster again. @default 15000 */
  readonly reconnectMs?: number;
}

/** A running UI server. */
export interface UiServer {
  /** The address to open, with the token. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

/** How often the server tries again to reach a cluster it could not reach. */
const RECONNECT_MS = 15_000;

const watchKey = (app: RenderedApp): string => `${app.model.app}|${app.model.namespace}`;

/** Requests larger than this are refused (a load profile is a few kB). */
const MAX_BODY = 2 * 1024 * 1024;
/** How long a reviewed plan can be confirmed. */
const PLAN_TTL_MS = 15 * 60_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Starts the dashboard's server on `address:port`: the page and its API, every request checked
 * for the token (and its Host), state-changing ones also for the page's own origin. The server
 * talks to the cluster with the deploy engine, its readiness rules and its history, as the CLI
 * does; the page only ever talks to this server.
 */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const token = options.token ?? newToken();
  const hub = new LiveHub();
  const state = new UiState(options, hub);
  await state.refresh();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      sendError(res, e);
    });
  });
  let hosts: ReadonlySet<string> = new Set();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!hosts.has(req.headers.host ?? ""))
      throw new HttpError(
        403,
        "this server answers only to its own address",
        "open the address `kubeship ui` printed",
      );
    const url = new URL(req.url ?? "/", "http://localhost");
    const given = url.searchParams.get("token");
    if (req.method === "GET" && url.pathname === "/" && given !== null) {
      if (!sameSecret(given, token))
        throw new HttpError(401, "wrong token", "open the address `kubeship ui` printed, token included");
      // The token moves into a cookie only this origin sends, and out of the address bar and history.
      res.writeHead(303, {
        "Set-Cookie": `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: "/",
      });
      res.end();
      return;
    }
    const carried = tokenOf(req);
    if (carried === undefined || !sameSecret(carried, token))
      throw new HttpError(
        401,
        "this page needs the token `kubeship ui` printed",
        "open the address it printed, token included",
      );
    if (req.method === "POST") {
      if (!sameOrigin(req, hosts))
        throw new HttpError(403, "a change must come from the kubeship page itself (same origin, JSON)");
      await route(state, url, "POST", res, await readJson(req));
      return;
    }
    if (req.method !== "GET") throw new HttpError(405, `${req.method ?? "?"} is not served`);
    if (url.pathname === "/api/events") {
      hub.attach(res);
      return;
    }
    await route(state, url, "GET", res, undefined);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(options.address, port);
  const origin = `http://${options.address.includes(":") ? `[${options.address}]` : options.address}:${port}`;
  state.startPolling(options.specPollMs ?? 2000);
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      state.stop();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** What the server keeps between requests: the spec as last rendered, the cluster, the watch, plans. */
class UiState {
  text = "";
  app: RenderedApp | undefined;
  problems: string | undefined;
  cluster: Cluster | undefined;
  clusterError: string | undefined;
  watch: AppWatch | undefined;
  private svg: { text: string; svg: string } | undefined;
  private readonly plans = new Map<
    string,
    { entries: readonly PlanEntry[]; app: RenderedApp; text: string; at: number }
  >();
  running: { id: string; kind: "deploy" | "rollback" } | undefined;
  /** The app and namespace the watch follows. */
  private watched = "";
  private lastAttempt = 0;
  private refreshing: Promise<boolean> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly options: UiOptions,
    readonly hub: LiveHub,
  ) {}

  /**
   * Reads and renders the spec; connects and starts watching the first time. One at a time: a
   * request and the poll that ask together share one read (two would each start a watch).
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<boolean> {
    const text = await this.options.readSpec();
    if (text === this.text && (this.app !== undefined || this.problems !== undefined)) return false;
    this.text = text;
    const r = this.options.render(text, this.options.env);
    this.problems = r.problems;
    if (r.app !== undefined) this.app = r.app;
    if (this.app === undefined) return true;
    if (this.cluster === undefined && this.clusterError === undefined) await this.connect();
    else if (this.cluster !== undefined && this.watched !== watchKey(this.app)) {
      // Another app name or namespace: what to watch changed, not only how to judge it.
      this.watch?.stop();
      this.watch = undefined;
      await this.connect();
    }
    this.watch?.update(this.app.model, this.app.objects);
    if (this.watch === undefined) this.sendUnknown();
    return true;
  }

  /** Tries the cluster again when there is none (it may have started since). */
  async reconnect(): Promise<boolean> {
    if (
      this.cluster !== undefined ||
      Date.now() - this.lastAttempt < (this.options.reconnectMs ?? RECONNECT_MS)
    )
      return false;
    await this.connect();
    return this.connected;
  }

  get connected(): boolean {
    return this.cluster !== undefined;
  }

  async connect(): Promise<void> {
    const app = this.app;
    if (app === undefined) return;
    this.lastAttempt = Date.now();
    this.watched = watchKey(app);
    try {
      this.cluster = await this.options.connect();
      await this.cluster.version();
      this.clusterError = undefined;
      const watch = new AppWatch(this.cluster, app.model, app.objects, (view) => {
        this.hub.send("view", { ...view, connected: true });
      });
      this.watch = watch;
      await watch.start();
    } catch (e) {
      this.cluster = undefined;
      this.watch?.stop();
      this.watch = undefined;
      this.clusterError = e instanceof Error ? e.message : String(e);
      this.sendUnknown();
    }
  }

  private sendUnknown(): void {
    if (this.app === undefined) return;
    this.hub.send("view", {
      health: unknownHealth(objectsByNode(this.app.model, this.app.objects), "no cluster to ask"),
      revisions: [],
      activity: [],
      connected: false,
    });
  }

  startPolling(ms: number): void {
    this.poll = setInterval(() => {
      Promise.all([this.refresh(), this.reconnect()]).then(
        ([changed, connected]) => {
          if (changed || connected) this.hub.send("spec", { changed: true });
        },
        () => undefined,
      );
    }, ms);
    this.poll.unref();
  }

  stop(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.watch?.stop();
  }

  requireApp(): RenderedApp {
    if (this.app === undefined)
      throw new HttpError(
        422,
        `the spec does not render:\n${this.problems ?? ""}`,
        "fix the spec; the page follows the file",
      );
    return this.app;
  }

  requireCluster(): Cluster {
    if (this.cluster === undefined)
      throw new HttpError(
        503,
        `no cluster: ${this.clusterError ?? "not connected"}`,
        "check the kubeconfig and context, then reload",
      );
    return this.cluster;
  }

  async diagram(): Promise<string> {
    const app = this.requireApp();
    if (this.svg?.text !== this.text)
      this.svg = { text: this.text, svg: await dotToSvg(diagramDot(app.model, { statusLine: true })) };
    return this.svg.svg;
  }

  request(app: RenderedApp, text: string, reporter: (e: DeployEvent) => void): DeployRequest {
    return {
      cluster: this.requireCluster(),
      model: app.model,
      objects: app.objects,
      secrets: app.secrets,
      spec: text,
      timeoutSeconds: this.options.timeoutSeconds,
      atomic: false,
      forceConflicts: false,
      skipMissingCrds: this.options.skipMissingCrds,
      migrateBackings: [],
      external: this.options.external,
      reporter,
      holder: this.options.holder,
    };
  }

  savePlan(entries: readonly PlanEntry[], app: RenderedApp, text: string): string {
    const now = Date.now();
    for (const [id, p] of this.plans) if (now - p.at > PLAN_TTL_MS) this.plans.delete(id);
    const id = randomBytes(12).toString("base64url");
    this.plans.set(id, { entries, app, text, at: now });
    return id;
  }

  takePlan(id: string): { entries: readonly PlanEntry[]; app: RenderedApp; text: string } {
    const p = this.plans.get(id);
    if (p === undefined || Date.now() - p.at > PLAN_TTL_MS)
      throw new HttpError(409, "this plan is not known or too old", "review the plan again, then confirm");
    this.plans.delete(id);
    return p;
  }

  /** Runs a deploy or rollback in the background; its events go to every page. */
  run(kind: "deploy" | "rollback", work: (reporter: (e: DeployEvent) => void) => Promise<unknown>): string {
    if (this.running !== undefined)
      throw new HttpError(409, `a ${this.running.kind} is running from this page`, "wait for it to end");
    const id = randomBytes(9).toString("base64url");
    this.running = { id, kind };
    const send = (e: LiveEvents["operation"]): void => {
      this.hub.send("operation", e);
    };
    work((event) => {
      send({ operation: id, kind, event });
    }).then(
      () => {
        this.running = undefined;
        send({ operation: id, kind, end: "succeeded" });
      },
      (e: unknown) => {
        this.running = undefined;
        const { error, hint } = describe(e);
        send({ operation: id, kind, end: "failed", error, ...(hint === undefined ? {} : { hint }) });
      },
    );
    return id;
  }
}

type Json = Record<string, unknown>;

async function route(
  state: UiState,
  url: URL,
  method: "GET" | "POST",
  res: ServerResponse,
  body: Json | undefined,
): Promise<void> {
  const o = state.options;
  const path = url.pathname;
  if (method === "GET") {
    if (path === "/" || path === "/index.html")
      return sendFile(res, join(o.assets, "index.html"), "text/html; charset=utf-8");
    const asset = /^\/assets\/(app\.js|app\.css)$/.exec(path)?.[1];
    if (asset !== undefined)
      return sendFile(
        res,
        join(o.assets, asset),
        asset.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
      );
    if (path === "/api/app") {
      await state.refresh();
      const app = state.requireApp();
      const workloads = new Map(app.model.workloads.map((w) => [w.name, w]));
      const info: AppInfo = {
        app: app.model.app,
        namespace: app.model.namespace,
        ...(o.env === undefined ? {} : { env: o.env }),
        envs: o.envs(state.text),
        readOnly: o.readOnly,
        ...(state.cluster === undefined ? {} : { server: state.cluster.server }),
        ...(state.clusterError === undefined ? {} : { clusterError: state.clusterError }),
        ...(state.problems === undefined ? {} : { problems: state.problems }),
        svg: await state.diagram(),
        nodes: objectsByNode(app.model, app.objects).map((n) => {
          const w = workloads.get(n.node);
          const b = app.model.backings.find((x) => x.name === n.node);
          return {
            name: n.node,
            nodeKind: n.nodeKind,
            type: w?.kind ?? b?.type ?? "?",
            objects: n.objects.map(({ object }) => `${object.kind}/${object.metadata.name}`),
            autoscaled: w?.autoscale?.cpu !== undefined,
          };
        }),
        waves: deployWaves(app.model, app.objects).map((w) => ({
          name: w.name,
          objects: w.objects.map((x) => `${x.kind}/${x.metadata.name}`),
        })),
      };
      sendJson(res, 200, info);
      return;
    }
    const node = /^\/api\/nodes\/([^/]+)$/.exec(path)?.[1];
    if (node !== undefined) {
      const app = state.requireApp();
      const name = decodeURIComponent(node);
      const watch = state.watch;
      const details = await nodeDetails(
        app.model,
        app.objects,
        name,
        state.cluster === undefined || watch === undefined
          ? undefined
          : {
              cluster: state.cluster,
              ...(() => {
                const h = watch.view().health.find((x) => x.node === name);
                return h === undefined ? {} : { health: h };
              })(),
              pods: watch.podsOf(name),
              get: (key) => watch.live(key),
            },
      );
      if (details === undefined) throw new HttpError(404, `no node '${name}' in the app`);
      sendJson(res, 200, details);
      return;
    }
    if (path === "/api/history") {
      const app = state.requireApp();
      sendJson(res, 200, await listRevisions(state.requireCluster(), app.model.app, app.model.namespace));
      return;
    }
    if (path === "/api/history/diff") {
      const app = state.requireApp();
      const cluster = state.requireCluster();
      const [from, to] = ["from", "to"].map((k) => Number(url.searchParams.get(k)));
      if (!Number.isInteger(from) || !Number.isInteger(to))
        throw new HttpError(400, "give ?from=N&to=M, two revision numbers");
      const [a, b] = await Promise.all(
        [from, to].map((r) => loadRevision(cluster, app.model.app, app.model.namespace, r ?? 0)),
      );
      if (a === undefined || b === undefined)
        throw new HttpError(404, `revision ${a === undefined ? String(from) : String(to)} does not exist`);
      sendJson(res, 200, diffRevisions(a, b));
      return;
    }
    if (path === "/api/cost") {
      const env = url.searchParams.get("env") ?? o.env;
      const envs = o.envs(state.text);
      if (env !== undefined && env !== "" && !envs.includes(env))
        throw new HttpError(404, `no environment '${env}' in the spec`);
      const r =
        env === o.env ? { app: state.requireApp() } : o.render(state.text, env === "" ? undefined : env);
      if (r.app === undefined)
        throw new HttpError(422, `the spec does not render for ${env ?? "the base"}:\n${r.problems ?? ""}`);
      sendJson(res, 200, costOf(r.app.model, r.app.objects, o.prices, env === "" ? undefined : env));
      return;
    }
    throw new HttpError(404, `nothing at ${path}`);
  }
  // POST
  if (path === "/api/plan") {
    await state.refresh();
    const app = state.requireApp();
    const cluster = state.requireCluster();
    const text = state.text;
    const outcome = await deploy({ ...state.request(app, text, () => undefined), dryRun: true });
    const answer: PlanAnswer = {
      planId: state.savePlan(outcome.plan, app, text),
      server: cluster.server,
      entries: outcome.plan,
    };
    sendJson(res, 200, answer);
    return;
  }
  if (path === "/api/deploy" || path === "/api/rollback") {
    if (o.readOnly)
      throw new HttpError(
        403,
        "read-only: this page cannot deploy or roll back",
        "start `kubeship ui` without --read-only",
      );
    if (body?.["confirm"] !== true)
      throw new HttpError(400, "confirm it: send confirm: true after the user agreed");
    if (path === "/api/deploy") {
      const planId = body["planId"];
      if (typeof planId !== "string") throw new HttpError(400, "give planId: the plan the user reviewed");
      const plan = state.takePlan(planId);
      state.requireCluster();
      const id = state.run("deploy", (reporter) =>
        deploy({
          ...state.request(plan.app, plan.text, reporter),
          // What the user confirmed: a plan that changed since (another deploy) is not applied.
          confirm: (now) => Promise.resolve(samePlan(now, plan.entries)),
        }).then((outcome) => {
          if (!outcome.applied)
            throw new DeployError(
              "the plan changed since it was reviewed: nothing was applied",
              "review the plan again",
            );
        }),
      );
      sendJson(res, 202, { operation: id });
      return;
    }
    const revision = body["revision"];
    if (typeof revision !== "number" || !Number.isInteger(revision))
      throw new HttpError(400, "give revision: the number to roll back to");
    const app = state.requireApp();
    state.requireCluster();
    const id = state.run("rollback", (reporter) => {
      const { objects: _o, secrets: _s, spec: _t, ...req } = state.request(app, state.text, reporter);
      return rollback(req, revision);
    });
    sendJson(res, 202, { operation: id });
    return;
  }
  if (path === "/api/simulate") {
    const app = state.requireApp();
    const service = body?.["service"];
    const capacity = body?.["capacity"];
    const startup = body?.["startup"] ?? 30;
    const profile = body?.["profile"];
    if (typeof service !== "string" || typeof profile !== "string")
      throw new HttpError(400, "give service and profile (CSV text: seconds,rps)");
    if (typeof capacity !== "number" || !(capacity > 0))
      throw new HttpError(
        400,
        "give capacity: requests per second one pod serves at 100% of its CPU request",
      );
    if (typeof startup !== "number" || !(startup >= 0))
      throw new HttpError(400, "give startup: seconds until a new pod serves");
    const load = parseLoadProfile(profile, "load profile");
    const target = simulationTarget(app.objects, service);
    const problems = [...load.diagnostics, ...target.diagnostics];
    if (hasErrors(problems) || load.points === undefined || target.value === undefined)
      throw new HttpError(
        422,
        formatDiagnostics(problems, { sources: new Map([["load profile", profile]]) }),
      );
    const result = simulateHpa({
      hpa: target.value.hpa,
      capacityRps: capacity,
      startupSeconds: startup,
      podRequests: target.value.podRequests,
      profile: load.points,
    });
    const answer: SimulationAnswer = {
      service,
      minReplicas: target.value.hpa.minReplicas,
      maxReplicas: target.value.hpa.maxReplicas,
      targetUtilization: result.targetUtilization,
      peakReplicas: result.peakReplicas,
      overloadedSeconds: result.overloadedSeconds,
      points: result.points,
    };
    sendJson(res, 200, answer);
    return;
  }
  throw new HttpError(404, `nothing at ${path}`);
}

/** Whether the plan a deploy found is the one the user reviewed (same objects, same actions, same fields). */
function samePlan(a: readonly PlanEntry[], b: readonly PlanEntry[]): boolean {
  const key = (e: PlanEntry): string =>
    JSON.stringify([e.ref.kind, e.ref.namespace, e.ref.name, e.action, e.changes]);
  const x = a
    .filter((e) => e.action !== "unchanged")
    .map(key)
    .sort();
  const y = b
    .filter((e) => e.action !== "unchanged")
    .map(key)
    .sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit (and drop the rest): the answer then reaches the client,
  // instead of a connection reset while it is still sending.
  await new Promise<void>((resolve, reject) => {
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", resolve);
    req.on("error", reject);
  });
  if (size > MAX_BODY) throw new HttpError(413, "the request is too large (2 MB at most)");
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Json;
  } catch {
    // answered below
  }
  throw new HttpError(400, "the request body must be a JSON object");
}

async function sendFile(res: ServerResponse, path: string, type: string): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    throw new HttpError(
      500,
      `the page's file ${path} is missing`,
      "build kubeship (npm run build) or reinstall it",
    );
  }
  res.writeHead(200, { "Content-Type": type, "Content-Length": body.length });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function describe(e: unknown): ErrorAnswer {
  if (e instanceof HttpError) return { error: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
  if (e instanceof DeployError)
    return { error: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) };
  if (e instanceof ClusterError) return { error: `the API server refused: ${e.message}` };
  return { error: e instanceof Error ? e.message : String(e) };
}

function sendError(res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const status =
    e instanceof HttpError
      ? e.status
      : e instanceof DeployError
        ? 409
        : e instanceof ClusterError
          ? 502
          : 500;
  sendJson(res, status, describe(e));
}
