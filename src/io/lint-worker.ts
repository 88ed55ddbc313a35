// A lint worker thread (see lint-parallel.ts): reads and sizes up its share of the input, then lints
// the shard the coordinator gives it, with the documents other workers hand over.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { parseDocuments, splitDocuments } from "../lint/input.js";
import type { LintFinding, ManifestObject } from "../lint/types.js";
import { type DocFacts, factsOf, lintShard } from "../lint/shard.js";
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
  post({ type: "facts", documents: held.map((d) => ({ facts: d.facts, bytes: d.text.length })) });
  const plan = await next();
  if (plan.type === "plan") await lint(plan.owner, plan.reportsClusterScoped);
}

async function lint(owner: ReadonlyMap<string, number>, reportsClusterScoped: boolean): Promise<void> {
  const me = task.index;
  const outgoing: MovedDocument[][] = Array.from({ length: task.workers }, () => []);
  const mine: MovedDocument[] = [];
  for (const d of held) {
    const moved: MovedDocument = { file: d.file, order: d.order, index: d.index, line: d.line, text: d.text };
    if (d.facts?.scope === "cluster") {
      mine.push(moved);
      for (const out of outgoing) out.push(moved);
    } else if (d.facts?.scope === "namespace") {
      const w = owner.get(d.facts.namespace) ?? -1;
      (w === me ? mine : outgoing[w])?.push(moved);
    }
  }
  outgoing.forEach((documents, to) => {
    if (to !== me) post({ type: "move", to, documents });
  });
  for (let got = 1; got < task.workers; got++) {
    const m = await next();
    if (m.type === "moved") mine.push(...m.documents);
  }
  mine.sort((a, b) => a.order - b.order || a.index - b.index);
  const objects: ManifestObject[] = [];
  const findings: LintFinding[] = [];
  for (let i = 0; i < mine.length;) {
    const file = mine[i]?.file;
    let j = i;
    while (j < mine.length && mine[j]?.file === file) j++;
    const parsed = parseDocuments(mine.slice(i, j), file ?? "");
    for (const o of parsed.objects) objects.push(o);
    for (const f of parsed.findings) findings.push(f);
    i = j;
  }
  const owned = new Set([...owner].filter(([, w]) => w === me).map(([ns]) => ns));
  post({
    type: "report",
    report: lintShard({ objects, findings }, owned, reportsClusterScoped, task.settings, schemas),
  });
}
