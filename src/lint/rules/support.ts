import type { DocPath } from "../../spec/diagnostic.js";
import { asRecord, field } from "../object.js";
import { indexOf } from "../object-index.js";
import { type ContainerRef, containersOf, type PodTemplate, podTemplates } from "../pods.js";
import type { ManifestObject, RuleContext, RuleFinding } from "../types.js";

/** A finding about an object. */
export function finding(target: ManifestObject, path: DocPath, message: string, hint?: string): RuleFinding {
  return hint === undefined ? { target, path, message } : { target, path, message, hint };
}

/** Runs a check on every container of every pod template (init and ephemeral ones too, unless told). */
export function* eachContainer(
  ctx: RuleContext,
  check: (c: ContainerRef) => Iterable<RuleFinding> | RuleFinding | undefined,
  which?: { init?: boolean; ephemeral?: boolean },
): Generator<RuleFinding> {
  for (const pod of podTemplates(ctx.objects)) {
    for (const c of containersOf(pod, which)) {
      const r = check(c);
      if (r === undefined) continue;
      if (Symbol.iterator in r) yield* r;
      else yield r;
    }
  }
}

/** Runs a check on every pod template. */
export function* eachPod(
  ctx: RuleContext,
  check: (p: PodTemplate) => Iterable<RuleFinding> | RuleFinding | undefined,
): Generator<RuleFinding> {
  for (const pod of podTemplates(ctx.objects)) {
    const r = check(pod);
    if (r === undefined) continue;
    if (Symbol.iterator in r) yield* r;
    else yield r;
  }
}

/**
 * Runs a check on every object of the given kinds, kind by kind (found through the object index, not
 * by looking at every object; the report is sorted by position either way).
 */
export function* eachOfKind(
  ctx: RuleContext,
  kinds: readonly string[],
  check: (o: ManifestObject) => Iterable<RuleFinding> | RuleFinding | undefined,
): Generator<RuleFinding> {
  const index = indexOf(ctx.objects);
  for (const o of kinds.flatMap((k) => index.of(k, undefined))) {
    const r = check(o);
    if (r === undefined) continue;
    if (Symbol.iterator in r) yield* r;
    else yield r;
  }
}

/** A container's security context field, falling back to the pod's (as the kubelet resolves it). */
export function effectiveSecurity(c: ContainerRef, key: string): unknown {
  const own = field(c.container, "securityContext", key);
  return own !== undefined ? own : field(c.pod.spec, "securityContext", key);
}

/** The container's security context as a record. */
export function securityContextOf(c: ContainerRef): Readonly<Record<string, unknown>> {
  return asRecord(c.container.securityContext) ?? {};
}

/** Kinds of workloads that keep pods running. */
export const LONG_RUNNING_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
];
