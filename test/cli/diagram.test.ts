import { describe, expect, it } from "vitest";
import { diagramDot, diagramMermaid } from "../../src/report/diagram.js";
import { dotToSvg } from "../../src/report/diagram-svg.js";
import { runCli } from "../helpers/cli.js";
import { renderFile, ROOT, SPECS } from "../helpers/render.js";

describe.each(SPECS)("diagram of %s", (spec) => {
  const { model } = renderFile(spec);
  const names = [...model.workloads.map((w) => w.name), ...model.backings.map((b) => b.name)];

  it("draws every workload and backing service by name, in all three formats", async () => {
    const dot = diagramDot(model);
    const mermaid = diagramMermaid(model);
    const svg = await dotToSvg(dot);
    expect(svg).toMatch(/<\/svg>\s*$/);
    for (const name of names) {
      expect(dot).toContain(`"${name}" [shape=`);
      expect(mermaid).toMatch(new RegExp(`n_${name.replace(/[^A-Za-z0-9_]/g, "_")}[[(]`));
      // Graphviz writes each label line as a text element.
      expect(svg).toMatch(new RegExp(`>${name.replace(/-/g, "&#45;")}</text>`));
    }
  });

  it("draws every dependency edge of the graph, and is the same every time", async () => {
    const dot = diagramDot(model);
    for (const e of model.graph.edges)
      expect(dot).toContain(
        e.reason === "uses"
          ? `"${e.dependent}" -> "${e.dependency}";`
          : `"${e.dependency}" -> "${e.dependent}" [style=dashed`,
      );
    expect(await dotToSvg(dot)).toBe(await dotToSvg(diagramDot(renderFile(spec).model)));
  });
});

describe("kubeship diagram", () => {
  it("writes SVG, Mermaid or DOT, picked by the output's extension or --format", async () => {
    const mermaid = await runCli(["diagram", `${ROOT}/examples/shop.kubeship.yaml`, "--format", "mermaid"]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.out.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid.out).toContain('ingress -- "/api/orders" --> n_order_service');
    const svg = await runCli(["diagram", `${ROOT}/examples/shop.kubeship.yaml`]);
    expect(svg.code).toBe(0);
    expect(svg.out).toContain("<svg");
  });
});
