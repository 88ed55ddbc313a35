// A lint worker thread (see lint-parallel.ts): reads and sizes up its share of the input, then lints
// the shard the coordinator gives it, with the documents other workers hand over.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { type ParsedManifests, parseDocuments, splitDocuments } from "../lint/input.js";
import type { LintFinding, ManifestObject } from "../lint/types.js";
import { type DocFacts, factsOf, lintShard, sharesOf } from "../lint/shard.js";
import type { FromWorker, MovedDocument, ToWorker, WorkerTask } from "./lint-parallel.js";
import { loadSchemas, unreadable as cannotRead } from "./manifests.js";

interface Held extends MovedDocument {
  readonly facts: DocFacts | undefined;
}

const task = workerData as WorkerTask;
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

const schemas = await loadSchemas(task.settings.kubeVersion);
const namespaced = new Set(schemas.flatMap((s) => s.namespaced));
const known = new Set(schemas.flatMap((s) => Object.keys(s.kinds)));
const isNamespaced = (apiVersion: string, kind: string): boolean | undefined => {
  const key = `${apiVersion} ${kind}`;
  return namespaced.has(key) ? true : known.has(key) ? false : undefined;
};

const held: Held[] = [];
let unreadable: string | undefined;
for (const source of task.sources) {
  let text = source.text;
  if (text === undefined) {
    try {
      text = readFileSync(source.file, "utf8");
    } catch (e) {
      unreadable = cannotRead(source.file, e).message;
      break;
    }
  }
  splitDocuments(text).forEach((c, index) => {
    held.push({
      file: source.file,
      order: source.order,
      index,
      line: c.line,
      text: c.text,
      facts: factsOf(c.text, isNamespaced),
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
  });
  await lint();
}

/** Whether this worker's shard needs a document (its namespaces, and every cluster-scoped object). */
function needs(facts: DocFacts | undefined, owner: ReadonlyMap<string, number>): boolean {
  return (
    facts?.scope === "cluster" || (facts?.scope === "namespace" && owner.get(facts.namespace) === task.index)
  );
}

/**
 * Parses the documents this worker read while the coordinator plans (most will be its own), looking
 * at its messages every few hundred documents: the plan is answered at once by handing the other
 * workers their documents, so the exchange hides behind the parsing.
 */
async function lint(): Promise<void> {
  const state: {
    owner: ReadonlyMap<string, number> | undefined;
    reportsClusterScoped: boolean;
    stopped: boolean;
    batches: number;
  } = { owner: undefined, reportsClusterScoped: false, stopped: false, batches: 0 };
  const moved: MovedDocument[] = [];
  const take = (m: ToWorker): void => {
    if (m.type === "stop") state.stopped = true;
    else if (m.type === "moved") {
      moved.push(...m.documents);
      state.batches++;
    } else {
      state.owner = m.owner;
      state.reportsClusterScoped = m.reportsClusterScoped;
      handOver(m.owner);
    }
  };
  const parsed: (Parsed | undefined)[] = [];
  for (let i = 0; i < held.length && !state.stopped; i++) {
    if (i % 256 === 0) {
      await new Promise<void>((r) => setImmediate(r));
      for (let m = inbox.shift(); m !== undefined; m = inbox.shift()) take(m);
    }
    const d = held[i];
    if (d === undefined || d.facts?.scope === "blank") continue;
    if (state.owner !== undefined && !needs(d.facts, state.owner)) continue;
    parsed[i] = parseOne(d);
  }
  while (!state.stopped && (state.owner === undefined || state.batches < task.workers - 1))
    take(await next());
  const owner = state.owner;
  if (state.stopped || owner === undefined) return;
  const docs: Parsed[] = [];
  held.forEach((d, i) => {
    const p = parsed[i];
    if (p !== undefined && needs(d.facts, owner)) docs.push(p);
  });
  for (const d of moved) docs.push(parseOne(d));
  docs.sort((a, b) => a.order - b.order || a.index - b.index);
  const objects: ManifestObject[] = [];
  const findings: LintFinding[] = [];
  for (const d of docs) {
    for (const o of d.objects) objects.push(o);
    for (const f of d.findings) findings.push(f);
  }
  const me = task.index;
  const owned = new Set([...owner].filter(([, w]) => w === me).map(([ns]) => ns));
  post({
    type: "report",
    report: lintShard({ objects, findings }, owned, state.reportsClusterScoped, task.settings, schemas),
  });
}

interface Parsed extends ParsedManifests {
  readonly order: number;
  readonly index: number;
}

function parseOne(d: MovedDocument): Parsed {
  return { ...parseDocuments([d], d.file), order: d.order, index: d.index };
}

/** Sends every other worker the documents its shard needs that this worker read. */
function handOver(owner: ReadonlyMap<string, number>): void {
  const outgoing: MovedDocument[][] = Array.from({ length: task.workers }, () => []);
  for (const d of held) {
    const doc: MovedDocument = { file: d.file, order: d.order, index: d.index, line: d.line, text: d.text };
    if (d.facts?.scope === "cluster") for (const out of outgoing) out.push(doc);
    else if (d.facts?.scope === "namespace") outgoing[owner.get(d.facts.namespace) ?? -1]?.push(doc);
  }
  outgoing.forEach((documents, to) => {
    if (to !== task.index) post({ type: "move", to, documents });
  });
}
