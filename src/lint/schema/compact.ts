/**
 * The compact schema format lint validates against: OpenAPI definitions (the Kubernetes swagger, a
 * CRD's openAPIV3Schema) boiled down to what strict validation needs. Generated once per Kubernetes
 * version by scripts/gen-kube-schemas.ts, and at lint time for CRDs found among the linted objects.
 */

/**
 * A schema node: a primitive code (`s` string, `i` integer, `n` number, `b` boolean, `*` anything,
 * `io` int-or-string, `q` quantity, `t` time), a reference `#name` into the definitions, or a shape.
 */
export type SchemaNode = string | ObjectNode | ArrayNode | EnumNode;

/** An object: known properties (`p`), required ones (`r`), a map's value type (`m`), `x: 1` keeps unknown fields. */
export interface ObjectNode {
  readonly p?: Readonly<Record<string, SchemaNode>>;
  readonly r?: readonly string[];
  readonly m?: SchemaNode;
  readonly x?: 1;
}

/** An array of items. */
export interface ArrayNode {
  readonly a: SchemaNode;
}

/** A string with a closed set of values. */
export interface EnumNode {
  readonly e: readonly (string | number | boolean)[];
}

/** The schemas of one Kubernetes version (or of a set of CRDs). */
export interface SchemaSet {
  /** `kubernetes-1.34`, `crds`. */
  readonly name: string;
  /** Named definitions that nodes refer to with `#name`. */
  readonly defs: Readonly<Record<string, SchemaNode>>;
  /** `apiVersion kind` to the node of the object. */
  readonly kinds: Readonly<Record<string, SchemaNode>>;
  /** `apiVersion kind` of the kinds that live in a namespace. */
  readonly namespaced: readonly string[];
}

/** A loosely typed OpenAPI schema object, as found in swagger.json or a CRD. */
export interface OpenApiSchema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly $ref?: string;
  readonly allOf?: readonly OpenApiSchema[];
  readonly anyOf?: readonly OpenApiSchema[];
  readonly oneOf?: readonly OpenApiSchema[];
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly items?: OpenApiSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly "x-kubernetes-int-or-string"?: boolean;
}

const SPECIAL_DEFS: Readonly<Record<string, string>> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "io",
  "io.k8s.apimachinery.pkg.api.resource.Quantity": "q",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "t",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "t",
  "io.k8s.apimachinery.pkg.runtime.RawExtension": "*",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "*",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "*",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "*",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "*",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "*",
};

/** Shortens a swagger definition name: `io.k8s.api.apps.v1.Deployment` becomes `apps.v1.Deployment`. */
export function shortDefName(name: string): string {
  return name
    .replace(/^io\.k8s\.api\./, "")
    .replace(/^io\.k8s\.apimachinery\.pkg\.apis\./, "")
    .replace(/^io\.k8s\.apimachinery\.pkg\./, "")
    .replace(/^io\.k8s\.apiextensions-apiserver\.pkg\.apis\./, "")
    .replace(/^io\.k8s\.kube-aggregator\.pkg\.apis\./, "");
}

/** Converts one OpenAPI schema to a compact node; `$ref`s become `#short-name` references. */
export function compactSchema(schema: OpenApiSchema): SchemaNode {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  if (ref !== undefined) {
    const name = ref.replace(/^#\/(definitions|components\/schemas)\//, "");
    return SPECIAL_DEFS[name] ?? `#${shortDefName(name)}`;
  }
  if (schema["x-kubernetes-int-or-string"] === true) return "io";
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) return "*";
  const type = Array.isArray(schema.type) ? undefined : (schema.type as string | undefined);
  if (schema.enum !== undefined && schema.enum.length > 0 && (type === "string" || type === "integer")) {
    return {
      e: schema.enum.filter((v): v is string | number => typeof v === "string" || typeof v === "number"),
    };
  }
  switch (type) {
    case "string":
      return schema.format === "int-or-string" ? "io" : schema.format === "date-time" ? "t" : "s";
    case "integer":
      return "i";
    case "number":
      return "n";
    case "boolean":
      return "b";
    case "array":
      return { a: schema.items === undefined ? "*" : compactSchema(schema.items) };
    case "object":
    case undefined: {
      const props = schema.properties;
      const extra = schema.additionalProperties;
      const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
      if (props === undefined && extra === undefined) return preserve || type === undefined ? "*" : "*";
      const node: { p?: Record<string, SchemaNode>; r?: string[]; m?: SchemaNode; x?: 1 } = {};
      if (props !== undefined) {
        node.p = {};
        for (const key of Object.keys(props).sort()) {
          const child = props[key];
          if (child !== undefined) node.p[key] = compactSchema(child);
        }
      }
      if (schema.required !== undefined && schema.required.length > 0) node.r = [...schema.required].sort();
      if (extra === true) node.m = "*";
      else if (extra !== undefined && extra !== false) node.m = compactSchema(extra);
      if (preserve) node.x = 1;
      return node;
    }
    default:
      return "*";
  }
}

/** The parts of a CustomResourceDefinition that carry schemas. */
export interface CrdLike {
  readonly spec?: {
    readonly group?: string;
    readonly scope?: string;
    readonly names?: { readonly kind?: string };
    readonly versions?: readonly {
      readonly name?: string;
      readonly schema?: { readonly openAPIV3Schema?: OpenApiSchema };
    }[];
  };
}

/** The compact schemas of every version a CRD serves: `apiVersion kind` to node. */
export function compactCrd(crd: CrdLike): { kinds: Record<string, SchemaNode>; namespaced: string[] } {
  const kinds: Record<string, SchemaNode> = {};
  const namespaced: string[] = [];
  const spec = crd.spec;
  const kind = spec?.names?.kind;
  if (spec?.group === undefined || kind === undefined) return { kinds, namespaced };
  for (const v of spec.versions ?? []) {
    const root = v.schema?.openAPIV3Schema;
    if (v.name === undefined || root === undefined) continue;
    const key = `${spec.group}/${v.name} ${kind}`;
    const node = compactSchema(root);
    // The API server supplies apiVersion, kind and metadata for every CRD, whatever the schema says.
    kinds[key] =
      typeof node === "object" && "p" in node
        ? { ...node, p: { ...node.p, apiVersion: "s", kind: "s", metadata: "#meta.v1.ObjectMeta" } }
        : node;
    if (spec.scope !== "Cluster") namespaced.push(key);
  }
  return { kinds, namespaced };
}
