import { describe, expect, it } from "vitest";
import { isBuiltin, isExternal, resolveBackings } from "../../src/catalog/catalog.js";
import { runbook } from "../../src/report/runbook.js";
import { runCli } from "../helpers/cli.js";
import { FAILOVER } from "../../src/catalog/postgresql.js";
import { renderFile, ROOT, SPECS } from "../helpers/render.js";

describe.each(SPECS)("runbook of %s", (spec) => {
  const app = renderFile(spec);
  const { model } = app;
  const doc = runbook(app, spec);
  const k = `kubectl -n ${model.namespace}`;

  it("lists every workload and backing service, with image, port and replicas", () => {
    for (const w of model.workloads)
      expect(doc).toMatch(
        new RegExp(`^\\| ${w.name} \\| .*\\| \`${w.image.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\` \\|`, "m"),
      );
    for (const b of model.backings) expect(doc).toMatch(new RegExp(`^\\| ${b.name} \\| `, "m"));
  });

  it("waits for every database before the workloads that use them, in the kubectl steps", () => {
    const at = (s: string): number => doc.indexOf(s);
    for (const [name, r] of resolveBackings(model)) {
      if (isExternal(r)) continue;
      expect(at(`${k} rollout status statefulset/${name} `)).toBeGreaterThan(0);
      for (const w of model.workloads.filter(
        (x) => x.uses.includes(name) && (x.kind === "service" || x.kind === "worker"),
      ))
        expect(at(`${k} rollout status statefulset/${name} `)).toBeLessThan(
          at(`${k} rollout status deployment/${w.name} `),
        );
    }
  });

  it("gives a client command for every backing service, naming its pod, and reads passwords only from Secrets", () => {
    for (const [name, r] of resolveBackings(model)) {
      expect(doc).toContain(`### ${name} (`);
      if (!isExternal(r)) expect(doc).toMatch(new RegExp(`(exec -it |pod/)${name}-0 `));
    }
    for (const line of doc
      .split("\n")
      .filter((l) => /password/i.test(l) && l.startsWith(k) && !l.startsWith(`${k} create secret`)))
      // From a Secret, or from the pod's own environment (`$X_PASSWORD` expanded in the pod).
      expect(line).toMatch(/get secret [a-z0-9-]+ -o jsonpath|\\?\$[A-Z_]*PASSWORD|--askpass/);
  });

  it("says how each replicated backing fails over, with PostgreSQL's manual promotion as commands", () => {
    const replicated = [...resolveBackings(model).values()]
      .filter(isBuiltin)
      .filter((r) => r.replicas + r.members.reduce((n, m) => n + m.replicas, 0) > 1);
    if (replicated.length === 0) {
      expect(doc).not.toContain("## Replication and failover");
      return;
    }
    expect(doc).toContain("## Replication and failover");
    for (const r of replicated) expect(doc).toContain(`### ${r.name} (${r.type}, `);
    for (const r of replicated.filter((x) => x.type === "postgresql" && x.members.length > 0)) {
      expect(doc).toContain("There is no automatic failover");
      expect(doc).toContain(
        `exec ${r.name}-read-0 -c postgresql -- sh -c "${FAILOVER.promote.replace(/"/g, '\\"')}"`,
      );
      expect(doc).toContain(`patch service ${r.name} --type json`);
    }
  });

  it("creates every Secret on the by-hand path, after the namespace and before the objects that read them", () => {
    const at = (s: string): number => doc.indexOf(s);
    for (const s of app.secrets) {
      expect(at(`${k} create secret generic ${s.name} `)).toBeGreaterThan(at("kubectl apply -f manifests/0"));
      expect(at(`${k} create secret generic ${s.name} `)).toBeLessThan(at("kubectl apply -f manifests/\n"));
    }
    expect(doc).not.toMatch(/--from-literal=[A-Za-z_]+=(?!"\$)/);
  });

  it("covers health, scaling, rollout, rollback, logs and troubleshooting", () => {
    for (const h of [
      "## Check health",
      "## Scale",
      "## Roll out a new version",
      "## Roll back",
      "## Logs",
      "## Troubleshooting",
    ])
      expect(doc).toContain(h);
    expect(doc).toContain(`kubeship rollback ${spec}`);
    expect(runbook(renderFile(spec), spec)).toBe(doc);
  });
});

describe("kubeship runbook", () => {
  it("prints the runbook", async () => {
    const { code, out } = await runCli(["runbook", `${ROOT}/examples/shop.kubeship.yaml`]);
    expect(code).toBe(0);
    expect(out).toMatch(/^# demo-app: runbook$/m);
    // The container is named after the engine, not the backing.
    expect(out).toContain("kubectl -n demo-app exec -it postgres-0 -c postgresql -- psql -U app -d orders");
  });
});
