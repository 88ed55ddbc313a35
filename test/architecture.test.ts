import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/render.js";

// The house style's direction of imports: cli -> deploy -> emit/lint -> render -> catalog -> model -> spec.
// A file may import from its own layer and from layers below it, never above.
const RANK: Record<string, number> = {
  spec: 0,
  model: 1,
  catalog: 2,
  render: 3,
  emit: 4,
  lint: 4,
  simulate: 4,
  import: 4,
  report: 5,
  io: 5,
  deploy: 6,
  "(root)": 6.5,
  cli: 7,
  // The dashboard's server, beside the CLI (src/ui/web is the page: it imports the API's types only).
  ui: 7,
};
const PURE = ["spec", "model", "catalog", "render", "emit", "lint", "simulate", "import", "report"];
const IMPURE_MODULES =
  /^node:(fs|fs\/promises|child_process|net|http|https|tls|dgram|os|worker_threads|cluster)$/;
const IMPURE_CALLS = [
  /\bprocess\./,
  /Math\.random\(/,
  /Date\.now\(/,
  /new Date\(/,
  /randomBytes|randomUUID|getRandomValues/,
];

const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).split("/");
  return rel.length === 1 ? "(root)" : (rel[0] ?? "(root)");
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g)].map(
    (m) => m[1] ?? m[2] ?? "",
  );
}

const files = sourceFiles(SRC);

describe("architecture", () => {
  it("sees the imports it checks", () => {
    const renderApp = files.find((f) => f.endsWith("render/render-app.ts")) ?? "";
    expect(importsOf(renderApp)).toEqual(
      expect.arrayContaining(["../catalog/catalog.js", "./deployment.js"]),
    );
  });

  it("has a rank for every folder under src", () => {
    for (const f of files) expect(Object.keys(RANK), relative(ROOT, f)).toContain(layerOf(f));
  });

  it("imports only from the same layer or below", () => {
    const violations: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(f).filter((s) => s.startsWith("."))) {
        const target = resolve(dirname(f), spec.replace(/\.js$/, ".ts"));
        const from = layerOf(f);
        const to = layerOf(target);
        if ((RANK[to] ?? 99) > (RANK[from] ?? -1))
          violations.push(`${relative(ROOT, f)} (${from}) imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps the core pure: no file system, processes, network, clock or randomness", () => {
    const violations: string[] = [];
    for (const f of files.filter((x) => PURE.includes(layerOf(x)))) {
      for (const spec of importsOf(f))
        if (IMPURE_MODULES.test(spec)) violations.push(`${relative(ROOT, f)} imports ${spec}`);
      // Code only: template literals and strings (scripts for other programs, such as the shell or
      // mongosh, which kubeship writes and never runs) and comments are not calls of this process.
      const code = readFileSync(f, "utf8")
        .replace(/`(?:\\.|[^`\\])*`/g, "``")
        .replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, '""')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      for (const re of IMPURE_CALLS)
        if (re.test(code)) violations.push(`${relative(ROOT, f)} uses ${re.source}`);
    }
    expect(violations).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>();
    for (const f of files)
      graph.set(
        f,
        importsOf(f)
          .filter((s) => s.startsWith("."))
          .map((s) => resolve(dirname(f), s.replace(/\.js$/, ".ts"))),
      );
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1);
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 1)
          cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(SRC, x)).join(" -> "));
        else if (state.get(t) === undefined && graph.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it("only the CLI writes to the terminal or exits", () => {
    const offenders = files
      .filter((f) => layerOf(f) !== "cli")
      .filter((f) =>
        /console\.(log|error|warn)|process\.exit|process\.std(out|err)/.test(readFileSync(f, "utf8")),
      )
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it("runs on a clone with no ../shared beside it: nothing the suite or the build reads is outside the repository", () => {
    const dirs = ["src", "test", "scripts", "bench"].map((d) => join(ROOT, d));
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === "node_modules" || name === "golden" || name === "fixtures") continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (
          /\.(ts|mts|mjs|js|sh)$/.test(name) &&
          /["'`/]\.\.\/shared\b|ROOT, "\.\.\/shared/.test(readFileSync(path, "utf8"))
        )
          offenders.push(relative(ROOT, path));
      }
    };
    dirs.forEach(walk);
    expect(offenders).toEqual([]);
  });
});
