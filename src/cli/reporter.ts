import type { DeployEvent, Reporter } from "../deploy/events.js";
import type { PlanEntry } from "../deploy/plan.js";
import { refName } from "../deploy/plan.js";
import type { Terminal } from "./io.js";

/** How deploy progress is shown: a live list on a terminal, plain lines in CI, JSON lines for machines. */
export type OutputMode = "tty" | "plain" | "json";

const SYMBOL: Record<PlanEntry["action"], string> = {
  create: "+",
  update: "~",
  replace: "±",
  prune: "-",
  unchanged: "=",
};

/** The plan as text: one line per change, with the changed fields and the reasons for replacements. */
export function formatPlan(entries: readonly PlanEntry[], verbose = false): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.action === "unchanged" && !verbose) continue;
    lines.push(
      `  ${SYMBOL[e.action]} ${e.action.padEnd(9)} ${refName(e.ref)}${e.reason ? ` (${e.reason})` : ""}`,
    );
    for (const c of e.changes.slice(0, 12)) lines.push(`      ${c}`);
    if (e.changes.length > 12) lines.push(`      ... ${e.changes.length - 12} more changes`);
  }
  const unchanged = entries.filter((e) => e.action === "unchanged").length;
  if (unchanged > 0 && !verbose) lines.push(`  = ${unchanged} unchanged`);
  return lines.join("\n");
}

/** A reporter for the chosen output mode. */
export function makeReporter(term: Terminal, mode: OutputMode): Reporter {
  if (mode === "json")
    return (e) => {
      term.out(`${JSON.stringify(e)}\n`);
    };
  const live = mode === "tty" ? new LiveList(term) : undefined;
  return (e: DeployEvent) => {
    if (live && live.handle(e)) return;
    const line = plainLine(e);
    if (line !== undefined) term.err(`${line}\n`);
  };
}

function plainLine(e: DeployEvent): string | undefined {
  switch (e.type) {
    case "connected":
      return `cluster ${e.server} (Kubernetes ${e.version})`;
    case "note":
      return `note: ${e.message}`;
    case "plan":
      return `plan:\n${formatPlan(e.entries) || "  nothing to change"}`;
    case "secret":
      return e.action === "kept" ? undefined : `secret ${e.name}: ${e.action} ${e.keys.join(", ")}`;
    case "wave":
      return `[${e.index}/${e.total}] ${e.name}`;
    case "applied":
      return `  ${e.action} ${e.object}`;
    case "progress":
      return `  ${e.readiness.state === "ready" ? "ready" : e.readiness.state} ${e.object}: ${e.readiness.message}`;
    case "pruned":
      return `pruned ${e.object}`;
    case "revision":
      return `revision ${e.revision}: ${e.status}`;
    case "rollback":
      return `rolling back from revision ${e.from} to ${e.to}`;
    case "done":
      return `done: revision ${e.revision} in ${e.seconds.toFixed(1)} s (${e.requests} API requests)`;
  }
}

/** A live task list: the objects of the current wave, each with its state, redrawn in place. */
class LiveList {
  private rows: { object: string; state: string }[] = [];
  private drawn = 0;
  constructor(private readonly term: Terminal) {}

  handle(e: DeployEvent): boolean {
    if (e.type === "wave") {
      this.drawn = 0;
      this.term.err(`\u001b[1m[${e.index}/${e.total}] ${e.name}\u001b[0m\n`);
      this.rows = e.objects.map((object) => ({ object, state: "…" }));
      this.draw();
      return true;
    }
    if (e.type === "applied" || e.type === "progress") {
      const row = this.rows.find((r) => r.object === e.object);
      if (!row) return false;
      row.state =
        e.type === "applied"
          ? e.action
          : e.readiness.state === "ready"
            ? `\u001b[32m✓\u001b[0m ${e.readiness.message}`
            : `${e.readiness.state}: ${e.readiness.message}`;
      this.draw();
      return true;
    }
    return false;
  }

  private draw(): void {
    if (this.drawn > 0) this.term.err(`\u001b[${this.drawn}A`);
    for (const r of this.rows) this.term.err(`\u001b[2K  ${r.object.padEnd(48)} ${r.state}\n`);
    this.drawn = this.rows.length;
  }
}
