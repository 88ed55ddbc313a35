import { describe, expect, it } from "vitest";
import { lintText } from "../../test/helpers/lint.js";
import { parseLintConfig } from "./config.js";
import { parsePath } from "./custom.js";

const CONFIG = `custom:
  - id: team-label
    level: error
    title: every workload names its team
    fix: add metadata.labels.team (lower-case)
    kinds: [Deployment, StatefulSet]
    require:
      - path: metadata.labels.team
        matches: "^[a-z]+$"
  - id: no-docker-hub
    title: images come from the company registry
    kinds: [pod]
    forbid:
      - path: pod.containers[*].image
        matches: "^(docker\\\\.io/)?[^./]+(/[^/]+)?(:|$)"
  - id: small-memory
    title: containers ask for at most 2Gi of memory in dev
    namespaces: [dev]
    kinds: [pod]
    require:
      - path: pod.containers[*].resources.requests.memory
        in: [256Mi, 512Mi, 1Gi, 2Gi]
`;

const deployment = (team: string, images: string[], ns = "shop"): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ${ns}
  labels: {${team}}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
${images.map((image, i) => `        - name: c${i}\n          image: ${image}\n          resources: {requests: {memory: 4Gi}}\n`).join("")}`;

function settings() {
  const { settings: s, diagnostics } = parseLintConfig(CONFIG, ".kubeship-lint.yaml");
  expect(diagnostics).toEqual([]);
  return s;
}

describe("team rules (custom: in .kubeship-lint.yaml)", () => {
  it("requires a path, at its level, located at the object where the value is missing", async () => {
    const report = await lintText(deployment("app: api", ["ghcr.io/acme/api:1.0.0"]), settings());
    const f = report.findings.filter((x) => x.code === "team-label");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: "error",
      message: "every workload names its team: metadata.labels.team is missing",
      hint: "add metadata.labels.team (lower-case)",
      position: { line: 6 },
    });
    const wrong = await lintText(deployment("team: Payments", ["ghcr.io/acme/api:1.0.0"]), settings());
    expect(wrong.findings.find((x) => x.code === "team-label")?.message).toBe(
      'every workload names its team: metadata.labels.team is "Payments"',
    );
    const right = await lintText(deployment("team: payments", ["ghcr.io/acme/api:1.0.0"]), settings());
    expect(right.findings.some((x) => x.code === "team-label")).toBe(false);
  });

  it("forbids values in every item of a list, through the pod template of any kind", async () => {
    const report = await lintText(
      deployment("team: a", ["nginx:1.27", "ghcr.io/acme/api:1.0.0", "docker.io/library/redis:7"]),
      settings(),
    );
    const f = report.findings.filter((x) => x.code === "no-docker-hub");
    expect(f.map((x) => x.message)).toEqual([
      'images come from the company registry: spec.template.spec.containers[0].image is "nginx:1.27"',
      'images come from the company registry: spec.template.spec.containers[2].image is "docker.io/library/redis:7"',
    ]);
    expect(f[0]?.severity).toBe("warning");
    expect(f.map((x) => x.position?.line)).toEqual([16, 22]);
  });

  it("keeps to its namespaces, and a waiver excuses one object", async () => {
    const dev = await lintText(deployment("team: a", ["ghcr.io/acme/api:1"], "dev"), settings());
    expect(dev.findings.filter((x) => x.code === "small-memory")).toHaveLength(1);
    const shop = await lintText(deployment("team: a", ["ghcr.io/acme/api:1"], "shop"), settings());
    expect(shop.findings.some((x) => x.code === "small-memory")).toBe(false);
    const waived = await lintText(
      deployment("team: a", ["nginx:1"]).replace(
        "  labels:",
        "  annotations: {kubeship.io/waive.no-docker-hub: mirrored by the registry proxy}\n  labels:",
      ),
      settings(),
    );
    expect(waived.findings.some((x) => x.code === "no-docker-hub")).toBe(false);
    expect(waived.waived.map((w) => w.rule)).toEqual(["no-docker-hub"]);
  });

  it("refuses a bad rule with its line: a regular expression that does not compile, a taken id, no checks, a bad path", () => {
    const { diagnostics } = parseLintConfig(
      `custom:
  - id: image-tag
    title: t
    require: [{path: a.b}]
  - id: x
    title: t
  - id: y
    title: t
    forbid: [{path: a, matches: "("}]
  - id: z
    title: t
    forbid: [{path: "a..b"}]
`,
      "c.yaml",
    );
    expect(diagnostics.map((d) => [d.position?.line, d.message])).toEqual(
      expect.arrayContaining([
        [9, expect.stringContaining("not a valid regular expression")],
        [12, expect.stringContaining("write the path as dotted keys")],
      ]),
    );
    const second = parseLintConfig(
      "custom:\n  - id: image-tag\n    title: t\n    require: [{path: a}]\n  - id: x\n    title: t\n",
      "c.yaml",
    );
    expect(second.diagnostics.map((d) => [d.position?.line, d.message])).toEqual([
      [2, "a built-in rule has this id: 'image-tag'"],
      [5, "custom rule 'x' checks nothing"],
    ]);
  });

  it("reads paths with wildcards and quoted keys", () => {
    expect(parsePath('metadata.labels["app.kubernetes.io/name"]')).toEqual([
      "metadata",
      "labels",
      "app.kubernetes.io/name",
    ]);
    expect(parsePath("spec.containers[*].ports[*].containerPort")).toEqual([
      "spec",
      "containers",
      "*",
      "ports",
      "*",
      "containerPort",
    ]);
    for (const bad of ["", ".a", "a.", "a..b", "a[0]", 'a[""]', "a[*]b"])
      expect(parsePath(bad)).toBeUndefined();
  });
});
