import type { AppModel } from "../model/app-model.js";
import { OPERATOR_OF, type OperatorType } from "../spec/schema.js";
import { OPERATED_MAIN_KINDS } from "../render/operated.js";
import type { KubeObject } from "../render/kube-object.js";
import { DeployError } from "./errors.js";
import type { PlanEntry } from "./plan.js";

/** How a backing runs, judged by the object that holds its data. */
type Held = "builtin" | "operator";

/**
 * Refuses a plan that would replace where a backing's data lives: a StatefulSet of kubeship's that
 * the spec now runs on an operator (or outside), an operator's resource the spec now runs as a
 * StatefulSet, or an operator's resource the spec no longer has (the operator deletes its volumes
 * with it). Such a change is a data migration (dump, switch, restore: `kubeship runbook` says how);
 * `allowed` names the backings whose migration the user has started (`--migrate-backing`).
 */
export function refuseModeChanges(
  model: AppModel,
  objects: readonly KubeObject[],
  plan: readonly PlanEntry[],
  allowed: readonly string[],
): void {
  const problems: { name: string; text: string }[] = [];
  for (const e of plan) {
    if (e.action !== "prune") continue;
    const held: Held | undefined =
      e.ref.kind === "StatefulSet" ? "builtin" : OPERATED_MAIN_KINDS.has(e.ref.kind) ? "operator" : undefined;
    if (held === undefined) continue;
    const backing = model.backings.find((b) => e.ref.name === b.name || e.ref.name.startsWith(`${b.name}-`));
    const name = backing?.name ?? e.ref.name;
    if (allowed.includes(name)) continue;
    if (backing === undefined) {
      // A removed builtin backing leaves its volumes (StatefulSets keep their claims); an operator's do not.
      if (held === "operator")
        problems.push({
          name,
          text: `${e.ref.kind} ${e.ref.name} is no longer in the spec, and its operator deletes its data with it`,
        });
      continue;
    }
    if (backing.mode === held) continue;
    const now =
      backing.mode === "operator"
        ? `on ${backing.type in OPERATOR_OF ? OPERATOR_OF[backing.type as OperatorType] : "its operator"} (mode operator)`
        : backing.mode === "external"
          ? "outside the cluster (mode external)"
          : "as kubeship's StatefulSet (mode builtin)";
    const was =
      held === "builtin"
        ? "a StatefulSet of kubeship's (mode builtin)"
        : `a ${e.ref.kind} of its operator (mode operator)`;
    if (objects.some((o) => o.metadata.name === e.ref.name && o.kind === e.ref.kind)) continue;
    problems.push({
      name,
      text: `backing '${name}' runs as ${was} in the cluster, and the spec now runs it ${now}`,
    });
  }
  if (problems.length === 0) return;
  const names = [...new Set(problems.map((p) => p.name))];
  throw new DeployError(
    `${problems.map((p) => p.text).join("; ")}: that moves or deletes the data, which an apply does not do; nothing was changed`,
    `a change of mode is a data migration: follow "Changing a backing's mode" in \`kubeship runbook\` (dump, deploy with ${names.map((n) => `--migrate-backing ${n}`).join(" ")}, restore), or keep the old mode for this environment`,
  );
}

/**
 * With `--migrate-backing`, the workloads that use a migrating backing keep the replicas they have
 * in the cluster (the runbook stops the writers before the switch and starts them after the
 * restore): their `spec.replicas` is left out of what is applied, so the deploy neither takes a
 * scale-down back nor starts them against the new, still empty, store.
 */
export function keepWritersStopped(
  model: AppModel,
  objects: readonly KubeObject[],
  migrating: readonly string[],
): KubeObject[] {
  if (migrating.length === 0) return [...objects];
  const users = new Set(migrating.flatMap((b) => model.graph.dependentsOf(b, "uses")));
  return objects.map((o) => {
    if ((o.kind !== "Deployment" && o.kind !== "StatefulSet") || !users.has(o.metadata.name)) return o;
    const { replicas: _replicas, ...spec } = (o["spec"] ?? {}) as Record<string, unknown>;
    return { ...o, spec };
  });
}
