import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_BYTES } from "../io/lint-pool.js";
import { earlyLintWorkers } from "./prestart.js";

describe("earlyLintWorkers", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeship-prestart-"));
  const big = join(dir, "big");
  mkdirSync(big);
  writeFileSync(join(big, "all.yaml"), "x".repeat(MIN_BYTES));
  const small = join(dir, "small");
  mkdirSync(small);
  writeFileSync(join(small, "a.yaml"), "kind: Pod\n");
  const two = { KUBESHIP_LINT_WORKERS: "2" };
  const cores = availableParallelism();

  it("starts one worker per core (at most 4) for a lint of enough manifests, none on one core", () => {
    expect(earlyLintWorkers(["lint", big], {})).toBe(cores >= 2 ? Math.min(4, cores) : 0);
    expect(earlyLintWorkers(["lint", "--format", "json", big], { KUBESHIP_LINT_WORKERS: "3" })).toBe(3);
  });

  it("starts none for small inputs, other commands, or a lint that runs in one piece", () => {
    expect(earlyLintWorkers(["lint", small], {})).toBe(0);
    expect(earlyLintWorkers(["lint", join(dir, "missing")], {})).toBe(0);
    expect(earlyLintWorkers(["render", big], two)).toBe(0);
    expect(earlyLintWorkers(["lint", "--spec", "app.yaml", big], two)).toBe(0);
    expect(earlyLintWorkers(["lint", "--spec=app.yaml", big], two)).toBe(0);
    expect(earlyLintWorkers(["lint", "--kustomize", big], two)).toBe(0);
    expect(earlyLintWorkers(["lint", big], { KUBESHIP_LINT_WORKERS: "1" })).toBe(0);
  });

  it("starts them whenever KUBESHIP_LINT_WORKERS asks for several, as lint then shards any input", () => {
    expect(earlyLintWorkers(["lint", small], two)).toBe(2);
    expect(earlyLintWorkers(["lint", "-"], two)).toBe(2);
  });
});
