import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderSpec } from "../../src/app.js";
import { emitStream } from "../../src/emit/yaml.js";
import { ROOT } from "../helpers/render.js";

/** The fuzzer's seeds: every spec, Compose file and rendered manifest stream of the repository's own. */
export function fuzzSeeds(): { specs: string[]; composes: string[]; manifests: string[] } {
  const read = (p: string): string => readFileSync(join(ROOT, p), "utf8");
  const specs = [
    ...readdirSync(join(ROOT, "examples")).map((f) => read(`examples/${f}`)),
    read("test/fixtures/kitchen-sink.kubeship.yaml"),
  ];
  const manifests = specs.flatMap((s) => {
    const r = renderSpec(s);
    return r.ok ? [emitStream(r.value.objects)] : [];
  });
  return { specs, composes: [read("test/fixtures/docker-compose.yml")], manifests };
}
