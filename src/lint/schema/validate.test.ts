import { describe, expect, it } from "vitest";
import { lintText } from "../../../test/helpers/lint.js";

const schemaFindings = async (text: string, kubeVersion = "1.34") =>
  (await lintText(text, { kubeVersion })).findings.filter((f) => f.code === "schema");

const deployment = (containerExtra: string, specExtra = ""): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:${specExtra}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1.0.0
${containerExtra}`;

describe("schema validation against the upstream OpenAPI", () => {
  it("reports an unknown field with the closest known one and its line", async () => {
    const f = await schemaFindings(deployment("", "\n  replicaz: 2"));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      message: 'unknown field "replicaz"',
      hint: 'did you mean "replicas"?',
      path: ["spec", "replicaz"],
    });
    expect(f[0]?.position).toMatchObject({ line: 6, column: 3 });
  });

  it("reports wrong types deep inside a pod template", async () => {
    const f = await schemaFindings(
      deployment(
        '          env:\n            - name: PORT\n              value: 8080\n          ports:\n            - containerPort: "8080"\n',
      ),
    );
    expect(f.map((x) => x.message).sort()).toEqual([
      "expected a string, got number 8080",
      'expected an integer, got the string "8080"',
    ]);
    expect(f.find((x) => x.message.startsWith("expected a string"))?.hint).toContain('quote it: "8080"');
  });

  it("checks quantities and required fields", async () => {
    const f = await schemaFindings(
      deployment(
        "          resources:\n            limits: {memory: 512MB}\n        - image: sidecar:1.0.0\n",
      ),
    );
    expect(f.map((x) => x.message).sort()).toEqual([
      'missing required field "name"',
      'the string "512MB" is not a quantity',
    ]);
  });

  it("knows which kinds each Kubernetes version serves", async () => {
    const flow =
      "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: x\nspec:\n  priorityLevelConfiguration: {name: global-default}\n";
    expect((await lintText(flow, { kubeVersion: "1.31" })).findings.map((f) => f.code)).toEqual([
      "deprecated-api",
    ]);
    expect((await lintText(flow, { kubeVersion: "1.32" })).findings.map((f) => f.code)).toEqual([
      "removed-api",
    ]);
    const typo = await schemaFindings("apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n");
    expect(typo[0]?.message).toBe("Kubernetes 1.34 serves no kind Deploymnet in apps/v1");
    const wrongGroup = await schemaFindings("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n");
    expect(wrongGroup[0]?.hint).toBe("use apiVersion apps/v1");
  });

  it("validates prometheus-operator and cert-manager kinds against their CRDs", async () => {
    const sm =
      "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\nspec:\n  selector: {}\n  endpoints:\n    - port: http\n      intervall: 30s\n";
    expect((await schemaFindings(sm)).map((f) => f.message)).toEqual(['unknown field "intervall"']);
    const cert =
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n";
    expect(await schemaFindings(cert)).toEqual([]);
  });

  it("validates custom resources against a CRD found in the same input, and skips unknown ones", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  colour: red
---
apiVersion: other.example.com/v1
kind: Gadget
metadata:
  name: g
spec: {anything: true}
`;
    expect((await schemaFindings(crd)).map((f) => f.message).sort()).toEqual([
      'missing required field "size"',
      'unknown field "colour"',
    ]);
  });
});
