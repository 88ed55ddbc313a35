import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderSpec } from "../../src/app.js";
import type { RenderedApp } from "../../src/render/render-app.js";
import type { KubeObject } from "../../src/render/kube-object.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The specs every render test runs on: the bundled examples (one with a replicated data tier) and the kitchen-sink fixture. */
export const SPECS = [
  "examples/shop.kubeship.yaml",
  "examples/minitoolstream.kubeship.yaml",
  "examples/codeplatform.kubeship.yaml",
  "examples/medaudit.kubeship.yaml",
  "test/fixtures/kitchen-sink.kubeship.yaml",
  "test/fixtures/gateway.kubeship.yaml",
  "test/fixtures/operators.kubeship.yaml",
] as const;

/** Reads a file relative to the repository root. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, `file://${ROOT}`), "utf8");
}

/** Renders a spec file of the repository; fails the test with the formatted diagnostics if it does not render. */
export function renderFile(path: string, env?: string): RenderedApp {
  const result = renderSpec(readRepoFile(path), env === undefined ? { file: path } : { file: path, env });
  if (!result.ok) throw new Error(`${path} did not render:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.value;
}

/** The objects of one kind. */
export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The object of a kind and name, or a thrown error naming what is missing. */
export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name}`);
  return o;
}

/** The errors of a spec that does not render, as `code path` lines (none when it renders). */
export function errorCodes(text: string): string[] {
  const r = renderSpec(text, { file: "spec.yaml" });
  return r.ok
    ? []
    : r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.path.join(".")}`);
}
