type Schema = Record<string, unknown>;

const QUANTITY = {
  anyOf: [
    { type: "string", pattern: "^[+]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\\d+)?$" },
    { type: "number", exclusiveMinimum: 0 },
  ],
};
const RESOURCES: Schema = {
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries(
    ["requests", "limits"].map((k) => [
      k,
      { type: "object", additionalProperties: false, properties: { cpu: QUANTITY, memory: QUANTITY } },
    ]),
  ),
};
const IMAGE: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["repository"],
  properties: {
    repository: { type: "string", minLength: 1 },
    tag: { type: "string" },
    digest: { type: "string" },
  },
};
const PERCENT = { anyOf: [{ type: "integer", minimum: 1, maximum: 1000 }, { type: "null" }] };
const AUTOSCALE: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["enabled", "min", "max"],
  properties: {
    enabled: { type: "boolean" },
    min: { type: "integer", minimum: 1 },
    max: { type: "integer", minimum: 1 },
    cpu: PERCENT,
    memory: PERCENT,
  },
};

/**
 * values.schema.json: Helm checks values against it on install, upgrade, lint and template, so a
 * wrong type (`--set services.api.replicas=two`) or an unknown key fails before anything is applied.
 */
export function valuesSchema(values: Record<string, unknown>): Schema {
  const names = (key: string): string[] =>
    Object.keys((values[key] as Record<string, unknown> | undefined) ?? {});
  const fixed = (keys: string[], schema: Schema): Schema => ({
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries(keys.map((k) => [k, schema])),
  });
  const workload: Schema = {
    type: "object",
    additionalProperties: false,
    properties: {
      image: IMAGE,
      replicas: { type: "integer", minimum: 0 },
      autoscale: AUTOSCALE,
      resources: RESOURCES,
    },
  };
  const job: Schema = {
    type: "object",
    additionalProperties: false,
    properties: { image: IMAGE, resources: RESOURCES },
  };
  const backing: Schema = {
    type: "object",
    additionalProperties: false,
    properties: { image: IMAGE, storage: QUANTITY, resources: RESOURCES },
  };
  const secrets = values["secrets"] as Record<string, Record<string, unknown>>;
  const properties: Schema = {
    app: { type: "string", const: values["app"] },
    namespace: { type: "object", additionalProperties: false, properties: { create: { type: "boolean" } } },
    ingress: {
      type: "object",
      additionalProperties: false,
      properties: {
        className: { type: "string", minLength: 1 },
        host: { type: "string" },
        tls: {
          type: "object",
          additionalProperties: false,
          properties: { enabled: { type: "boolean" }, clusterIssuer: { type: "string" } },
        },
      },
    },
    services: fixed(names("services"), workload),
    workers: fixed(names("workers"), workload),
    jobs: fixed(names("jobs"), job),
    backing: fixed(names("backing"), backing),
    secrets: {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(
        Object.entries(secrets).map(([name, s]) => [
          name,
          {
            type: "object",
            additionalProperties: false,
            properties: {
              existingSecret: { type: "string" },
              ...("values" in s
                ? { values: { type: "object", additionalProperties: { type: "string" } } }
                : {}),
            },
          },
        ]),
      ),
    },
  };
  if ("monitoring" in values)
    properties["monitoring"] = fixed(Object.keys(values["monitoring"] as object), { type: "boolean" });
  if ("networkPolicies" in values) properties["networkPolicies"] = fixed(["enabled"], { type: "boolean" });
  return {
    $schema: "https://json-schema.org/draft-07/schema#",
    title: `values of the ${String(values["app"])} chart`,
    type: "object",
    additionalProperties: false,
    properties,
  };
}
