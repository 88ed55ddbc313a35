// The fuzzer's worker process: runs cases through the built CLI's main() in process, one at a time,
// and reports each on stdout as a JSON line. The parent restarts it after a crash and kills it when
// a case runs past its watchdog. Input: JSON lines {id, kind, text} on stdin.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { main } = await import(join(root, "dist/cli/kubeship.mjs"));
const dir = process.env.KUBESHIP_FUZZ_DIR ?? "";
mkdirSync(dir, { recursive: true });
const MAX_OUT = 32 * 1024 * 1024;

async function cli(args) {
  let out = "";
  let err = "";
  const term = {
    out: (t) => {
      if (out.length < MAX_OUT) out += t;
    },
    err: (t) => {
      if (err.length < MAX_OUT) err += t;
    },
    color: false,
    tty: false,
  };
  const code = await main(args, term);
  return { code, out, err };
}

/** Lints text that render wrote, as a user would lint it. */
async function lintOutput(text) {
  const out = join(dir, `out-${n}.yaml`);
  writeFileSync(out, text);
  return cli(["lint", out, "--format", "json"]);
}

const lines = createInterface({ input: process.stdin });
let n = 0;
for await (const line of lines) {
  const c = JSON.parse(line);
  const file = join(dir, `case-${n++}.${c.kind === "import" ? "compose.yml" : "yaml"}`);
  writeFileSync(file, c.text);
  const started = Date.now();
  const result = { id: c.id };
  if (c.kind === "render") {
    Object.assign(result, await cli(["render", file]));
    if (result.code === 0) result.lint = await lintOutput(result.out);
  } else if (c.kind === "render-helm") {
    const out = join(dir, `chart-${n}`);
    Object.assign(result, await cli(["render", file, "--format", "helm", "-o", out]));
    if (result.code === 0) {
      result.chart = out;
      result.plain = (await cli(["render", file])).out;
    }
  } else if (c.kind === "import") {
    Object.assign(result, await cli(["import", file, "-o", "-", "--app", "fuzz"]));
    if (result.code === 0) {
      const spec = join(dir, `imported-${n}.yaml`);
      writeFileSync(spec, result.out);
      const rendered = await cli(["render", spec]);
      result.rendered = rendered;
      if (rendered.code === 0) result.lint = await lintOutput(rendered.out);
    }
  } else Object.assign(result, await cli(["lint", file, "--format", "json"]));
  result.ms = Date.now() - started;
  result.rssMb = Math.round(process.memoryUsage().rss / 1e6);
  result.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1e3);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
