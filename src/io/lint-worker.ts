// A lint worker thread (see lint-parallel.ts): reads and sizes up its share of the input, then lints
// the shard the coordinator gives it, with the documents other workers hand over.
import { parentPort } from "node:worker_threads";
import { type ParsedManifests, parseDocuments, splitDocuments } from "../lint/input.js";
import type { LintFinding, ManifestObject } from "../lint/types.js";
import { type LintReport, mergeReports } from "../lint/lint.js";
import { type DocFacts, factsOf, lintShard, type ShardPlan, sharesOf } from "../lint/shard.js";
import type { FromWorker, HandedBatch, MovedDocument, ToWorker, WorkerTask } from "./lint-parallel.js";
import { loadSchemas, readTextsSync, unreadable as cannotRead } from "./manifests.js";

interface Held extends MovedDocument {
  readonly facts: DocFacts | undefined;
}

const port = parentPort;
const post = (m: FromWorker): void => port?.postMessage(m);
const inbox: ToWorker[] = [];
let wake: (() => void) | undefined;
port?.on("message", (m: ToWorker) => {
  inbox.push(m);
  wake?.();
});
const next = async (): Promise<ToWorker> => {
  while (inbox.length === 0)
    await new Promise<void>((r) => {
      wake = r;
    });
  const m = inbox.shift();
  if (m === undefined) throw new Error("empty inbox");
  return m;
};

// Started before the CLI knew what to lint (see lint-pool.ts): the task is the first message.
const task = await (async (): Promise<WorkerTask> => {
  const m = await next();
  if (m.type !== "task") throw new Error(`a lint worker's first message was "${m.type}", not its task`);
  return m.task;
})();
const schemas = await loadSchemas(task.settings.kubeVersion);
const namespaced = new Set(schemas.flatMap((s) => s.namespaced));
const known = new Set(schemas.flatMap((s) => Object.keys(s.kinds)));
const isNamespaced = (apiVersion: string, kind: string): boolean | undefined => {
  const key = `${apiVersion} ${kind}`;
  return namespaced.has(key) ? true : known.has(key) ? false : undefined;
};

const held: Held[] = [];
let unreadable: string | undefined;
const files = task.sources.flatMap((s) => (s.text === undefined ? [s.file] : []));
const read = readTextsSync(files);
if (read.failed !== undefined) unreadable = cannotRead(read.failed.file, read.failed.error).message;
let fileIndex = 0;
for (const source of task.sources) {
  const text = source.text ?? read.texts[fileIndex++];
  // Past a file that cannot be read: lint stops there.
  if (text === undefined) break;
  splitDocuments(text).forEach((c, index) => {
    const facts = factsOf(c.text, isNamespaced);
    held.push({
      file: source.file,
      order: source.order,
      index,
      line: c.line,
      text: c.text,
      home: facts?.scope === "namespace" ? facts.namespace : undefined,
      facts,
    });
  });
}
if (unreadable !== undefined) post({ type: "unreadable", message: unreadable });
else {
  post({
    type: "facts",
    shardable: held.every((d) => d.facts !== undefined),
    shares: sharesOf(
      held.map((d) => d.facts),
      held.map((d) => d.text.length),
      task.index,
    ),
    clusterBytes: held.reduce((a, d) => a + (d.facts?.scope === "cluster" ? d.text.length : 0), 0),
  });
  await lint();
}

/** Whether this worker's shard needs a document (its namespaces, and every cluster-scoped object). */
function needs(d: Held, owner: ReadonlyMap<string, number>): boolean {
  return d.facts?.scope === "cluster" || (d.home !== undefined && owner.get(d.home) === task.index);
}

/**
 * Parses the documents this worker read while the coordinator plans (most will be its own), looking
 * at its messages every few hundred documents: the plan is answered at once by handing the other
 * workers their documents, so the exchange hides behind the parsing. Then lints its shard batch by
 * batch, parsing each batch's documents just before and letting go of them after.
 */
async function lint(): Promise<void> {
  const state: {
    plan: ShardPlan | undefined;
    reportsClusterScoped: boolean;
    stopped: boolean;
    batches: number;
  } = { plan: undefined, reportsClusterScoped: false, stopped: false, batches: 0 };
  const moved: MovedDocument[] = [];
  // Work-stealing messages can come before this worker's own batches begin: kept for then.
  const deferred: ToWorker[] = [];
  const take = (m: ToWorker): void => {
    if (m.type === "stop") state.stopped = true;
    else if (m.type === "give" || m.type === "taken" || m.type === "finish") deferred.push(m);
    else if (m.type === "moved") {
      for (const d of m.documents) moved.push(d);
      state.batches++;
    } else if (m.type === "plan") {
      state.plan = m.plan;
      state.reportsClusterScoped = m.reportsClusterScoped;
      handOver(m.plan.owner);
    }
  };
  const parsed: (Parsed | undefined)[] = [];
  // Speculation ends with the plan: from then on, documents are parsed batch by batch.
  const speculating = (): boolean => !state.stopped && state.plan === undefined;
  for (let i = 0; i < held.length && speculating(); i++) {
    if (i % 256 === 0) {
      await new Promise<void>((r) => setImmediate(r));
      for (let m = inbox.shift(); m !== undefined; m = inbox.shift()) take(m);
      if (!speculating()) break;
    }
    const d = held[i];
    if (d !== undefined && d.facts?.scope !== "blank") parsed[i] = parseOne(d);
  }
  while (!state.stopped && (state.plan === undefined || state.batches < task.workers - 1)) take(await next());
  const plan = state.plan;
  if (state.stopped || plan === undefined) return;

  // The documents of each batch, and the cluster-scoped ones that every batch lints (parsed once).
  const batchOf = (home: string | undefined): number => plan.batch.get(home ?? "") ?? 0;
  const batches: (Batch | undefined)[] = [];
  const batch = (b: number): Batch =>
    (batches[b] ??= { first: b === 0, held: [], moved: [], owned: new Set() });
  for (const [ns, w] of plan.owner) if (w === task.index) batch(batchOf(ns)).owned.add(ns);
  const cluster: Parsed[] = [];
  held.forEach((d, i) => {
    if (!needs(d, plan.owner)) return;
    if (d.home === undefined) cluster.push(parsed[i] ?? parseOne(d));
    else batch(batchOf(d.home)).held.push(i);
  });
  for (const d of moved) {
    if (d.home === undefined) cluster.push(parseOne(d));
    else batch(batchOf(d.home)).moved.push(d);
  }
  batch(0);
  const queue = batches.filter((b) => b !== undefined);
  const reports: LintReport[] = [];
  const steal = { finished: false };
  const handle = (m: ToWorker): void => {
    if (m.type === "give") {
      // The later half of the batches not begun; never the first (it reports cluster-scoped objects).
      const given = queue.splice(queue.length - Math.floor(queue.length / 2));
      post({ type: "given", to: m.to, batches: given.map(hand) });
    } else if (m.type === "taken") {
      for (const h of m.batches)
        queue.push({ first: false, held: [], moved: [...h.documents], owned: new Set(h.owned) });
    } else if (m.type === "finish") steal.finished = true;
  };
  const hand = (b: Batch): HandedBatch => {
    const documents: MovedDocument[] = [...b.moved];
    for (const i of b.held) {
      const d = held[i];
      parsed[i] = undefined;
      if (d !== undefined) documents.push(movable(d));
    }
    return { owned: [...b.owned], documents };
  };
  for (const m of deferred) handle(m);
  let yielded = performance.now();
  while (!steal.finished || queue.length > 0) {
    const work = queue.shift();
    if (work === undefined) {
      post({ type: "idle" });
      // Until another worker's batches come, or word that none are left.
      for (let m = await next(); ; m = await next()) {
        handle(m);
        if (m.type === "taken" || m.type === "finish") break;
      }
      continue;
    }
    const { first, held: mine, moved: theirs, owned } = work;
    const docs: Parsed[] = [...cluster];
    for (const i of mine) {
      const d = held[i];
      if (d !== undefined) docs.push(parsed[i] ?? parseOne(d));
      parsed[i] = undefined;
    }
    for (const d of theirs) docs.push(parseOne(d));
    docs.sort((x, y) => x.order - y.order || x.index - y.index);
    const objects: ManifestObject[] = [];
    const findings: LintFinding[] = [];
    for (const d of docs) {
      for (const o of d.objects) objects.push(o);
      // A syntax error has no object: the batch of its document reports it.
      if (d.home !== undefined || first) for (const f of d.findings) findings.push(f);
    }
    const reportsCluster = state.reportsClusterScoped && first;
    reports.push(lintShard({ objects, findings }, owned, reportsCluster, task.settings, schemas));
    // Between batches, every few milliseconds: messages (a request to hand over work) come in only
    // when the thread yields.
    if (performance.now() - yielded > 20) {
      await new Promise<void>((r) => setImmediate(r));
      for (let m = inbox.shift(); m !== undefined; m = inbox.shift()) handle(m);
      yielded = performance.now();
    }
  }
  post({ type: "report", report: mergeReports(reports) });
}

/** A batch of this worker's shard: its namespaces and the documents it holds or was handed. */
interface Batch {
  /** The first batch of the shard: it reports the cluster-scoped objects and syntax errors outside. */
  readonly first: boolean;
  readonly held: number[];
  readonly moved: MovedDocument[];
  readonly owned: Set<string>;
}

interface Parsed extends ParsedManifests {
  readonly order: number;
  readonly index: number;
  readonly home: string | undefined;
}

function parseOne(d: MovedDocument): Parsed {
  const { objects, findings } = parseDocuments([d], d.file);
  return { objects, findings, order: d.order, index: d.index, home: d.home };
}

/** A document this worker read, as it is sent to another (without what only this worker needs). */
function movable(d: Held): MovedDocument {
  return { file: d.file, order: d.order, index: d.index, line: d.line, text: d.text, home: d.home };
}

/** Sends every other worker the documents its shard needs that this worker read. */
function handOver(owner: ReadonlyMap<string, number>): void {
  const outgoing: MovedDocument[][] = Array.from({ length: task.workers }, () => []);
  for (const d of held) {
    const scope = d.facts?.scope;
    const to = scope === "namespace" ? (owner.get(d.home ?? "") ?? -1) : -1;
    if (scope !== "cluster" && (to < 0 || to === task.index)) continue;
    const doc = movable(d);
    if (scope === "cluster") for (const out of outgoing) out.push(doc);
    else outgoing[to]?.push(doc);
  }
  outgoing.forEach((documents, to) => {
    if (to !== task.index) post({ type: "move", to, documents });
  });
}
