import { loadSpec } from "./src/spec/load-spec.js";
import { readFileSync } from "node:fs";
for (const f of ["examples/shop.kubeship.yaml", "examples/minitoolstream.kubeship.yaml"]) {
  const r = loadSpec(readFileSync(f, "utf8"), { file: f, env: f.includes("shop") ? "prod" : undefined });
  console.log(f, r.ok, r.diagnostics);
}
const bad = `app: Demo
servics: {}
services:
  api:
    image: x
    port: "80"
    uses: [mongo, api]
    replicaz: 3
    autoscale: { min: 5, max: 2 }
    health: { grpc: yes }
backing:
  mongodb: { type: mongo }
  pg: { type: postgresql, buckets: [a] }
environments:
  prod: { services: { api: { port: 70000 } } }
`;
const r = loadSpec(bad, { file: "bad.yaml" });
for (const d of r.diagnostics) console.log(`${d.position?.line}:${d.position?.column}`, d.code, d.path.join("."), d.message, "|", d.hint);
