import { refOf } from "../deploy/kube/cluster.js";
import { type PlanEntry, refKey, refName } from "../deploy/plan.js";
import type { AppModel } from "../model/app-model.js";
import { deploySteps } from "../render/deploy-order.js";
import type { KubeObject } from "../render/kube-object.js";

/** Changes of a Secret's data are never shown, only that a key changed. */
const SECRET_DATA = /^(data|stringData)\.([^:]+):/;

/** Escapes text for a Markdown table cell or inline code. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\n/g, " ");
}

/**
 * The plan of `kubeship diff --format markdown`, for a pull-request comment: a summary line, the
 * steps in the deploy's order with what each creates, updates and replaces, every replacement with
 * the immutable field that forces it, every update with its changed fields, the prunes. Never a
 * Secret value.
 */
export function formatPlanMarkdown(
  model: AppModel,
  objects: readonly KubeObject[],
  entries: readonly PlanEntry[],
  server: string,
): string {
  const count = (a: PlanEntry["action"]): number => entries.filter((e) => e.action === a).length;
  const lines = [
    `### kubeship plan: \`${model.app}\`${model.environment === undefined ? "" : ` (${model.environment})`} in namespace \`${model.namespace}\``,
    "",
    `Cluster \`${cell(server)}\`: **${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("prune")} to prune**, ${count("unchanged")} unchanged.`,
    "",
  ];
  if (entries.every((e) => e.action === "unchanged")) {
    lines.push("Nothing to change.");
    return `${lines.join("\n")}\n`;
  }
  const byKey = new Map(entries.map((e) => [refKey(e.ref), e]));
  const stepsOf = deploySteps(model, objects);
  const steps = [...stepsOf.before, ...[...stepsOf.nodes.values()].flat(), ...stepsOf.after];
  lines.push("| # | step | create | update | replace |", "|---:|---|---|---|---|");
  steps.forEach((step, i) => {
    const names = (action: PlanEntry["action"]): string =>
      step.objects
        .filter((o) => byKey.get(refKey(refOf(o)))?.action === action)
        .map((o) => `\`${cell(`${o.kind}/${o.metadata.name}`)}\``)
        .join(", ");
    const [c, u, r] = [names("create"), names("update"), names("replace")];
    if (c === "" && u === "" && r === "") return;
    lines.push(`| ${String(i + 1)} | ${cell(step.name)} | ${c} | ${u} | ${r} |`);
  });
  lines.push("");
  const replaced = entries.filter((e) => e.action === "replace");
  if (replaced.length > 0) {
    lines.push("#### Replacements (deleted and created again)", "");
    for (const e of replaced)
      lines.push(`- \`${cell(refName(e.ref))}\`: ${cell(e.reason ?? "an immutable field changes")}`);
    lines.push("");
  }
  const updated = entries.filter((e) => e.action === "update");
  if (updated.length > 0) {
    lines.push("#### Updates", "");
    for (const e of updated) {
      lines.push(
        "<details>",
        `<summary><code>${cell(refName(e.ref))}</code>: ${String(e.changes.length)} field${e.changes.length === 1 ? "" : "s"}</summary>`,
        "",
      );
      for (const c of e.changes) lines.push(`- \`${cell(redact(e, c))}\``);
      lines.push("", "</details>");
    }
    lines.push("");
  }
  const pruned = entries.filter((e) => e.action === "prune");
  if (pruned.length > 0) {
    lines.push("#### Prunes (no longer in the spec)", "");
    for (const e of pruned) lines.push(`- \`${cell(refName(e.ref))}\``);
    lines.push("");
  }
  lines.push(
    "<sub>Written by <code>kubeship diff --format markdown</code> from a server-side dry run.</sub>",
  );
  return `${lines.join("\n")}\n`;
}

function redact(e: PlanEntry, change: string): string {
  if (e.ref.kind !== "Secret") return change;
  const m = SECRET_DATA.exec(change);
  return m === null ? change : `${m[1] ?? "data"}.${m[2] ?? ""}: (value hidden) changed`;
}
