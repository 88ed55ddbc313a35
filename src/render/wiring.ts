import type { IEnvVar } from "kubernetes-models/v1";
import { envPrefix, serviceHost } from "../catalog/helpers.js";
import type { ExportedVar } from "../catalog/types.js";
import type { Workload } from "../model/app-model.js";
import { type RenderContext, secretSourceOf, workloadNamed } from "./context.js";

/**
 * The env of a workload's container, in an order Kubernetes can expand: its own entries, then what
 * each dependency in the graph exports (a `_URL` after the `_USER`/`_PASSWORD` it refers to), then
 * its generated secrets. Its own entries win over an export of the same name.
 */
export function workloadEnv(ctx: RenderContext, w: Workload): IEnvVar[] {
  const own = Object.entries(w.env).map(([name, value]) => ({ name, value }));
  const taken = new Set(own.map((e) => e.name));
  const wired: IEnvVar[] = [];
  for (const dep of ctx.model.graph.dependenciesOf(w.name, "uses")) {
    for (const v of exportsOf(ctx, dep)) {
      if (taken.has(v.name)) continue;
      taken.add(v.name);
      wired.push(toEnvVar(v));
    }
  }
  const secrets = w.secrets.map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretSourceOf(ctx.model, w.name, key), key } },
  }));
  return [...own, ...wired, ...secrets];
}

/** What a node exports to its users: a backing's catalog exports, or a service's address. */
export function exportsOf(ctx: RenderContext, name: string): readonly ExportedVar[] {
  const backing = ctx.backings.get(name);
  if (backing !== undefined) return backing.exports;
  const service = workloadNamed(ctx.model, name);
  if (service?.port === undefined) return [];
  const p = envPrefix(name);
  const host = serviceHost(name, ctx.model);
  const scheme = service.protocol === "grpc" ? "grpc" : service.protocol === "tcp" ? "tcp" : "http";
  return [
    { name: `${p}_HOST`, value: host },
    { name: `${p}_PORT`, value: String(service.port) },
    { name: `${p}_URL`, value: `${scheme}://${host}:${service.port}` },
  ];
}

/** An exported variable as a container env entry. */
export function toEnvVar(v: ExportedVar): IEnvVar {
  return "secret" in v
    ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secret.name, key: v.secret.key } } }
    : { name: v.name, value: v.value };
}
