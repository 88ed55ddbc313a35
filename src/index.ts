/**
 * kubeship as a library: build or load a spec, get the app model and Kubernetes objects back.
 * @packageDocumentation
 */
export { defineApp, loadApp, renderSpec } from "./app.js";
export { loadSpec, validateSpecData, type LoadSpecOptions, type LoadedSpec } from "./spec/load-spec.js";
export {
  specJsonSchema,
  type AppSpec,
  type AppSpecInput,
  BACKING_TYPES,
  type BackingType,
} from "./spec/schema.js";
export type { Diagnostic, DocPath, Result, Severity, SourcePosition } from "./spec/diagnostic.js";
export { formatPath } from "./spec/diagnostic.js";
export { buildModel } from "./model/build-model.js";
export type * from "./model/app-model.js";
export { DependencyGraph, type DependencyEdge, type GraphNode } from "./model/graph.js";
export { PRESETS, resolveBackings, type ResolvedBacking } from "./catalog/catalog.js";
export type { BackingPreset, BackingRuntime, SecretRequirement } from "./catalog/types.js";
export { renderApp, type RenderedApp } from "./render/render-app.js";
export type { KubeObject } from "./render/kube-object.js";
export { emitStream, emitYamlFiles, objectToYaml } from "./emit/yaml.js";
export type { FileTree } from "./emit/file-tree.js";
export { formatDiagnostics } from "./report/format-diagnostics.js";
export {
  costOf,
  formatCost,
  parsePriceFile,
  DEFAULT_PRICES,
  type CostReport,
  type CostRow,
  type PriceTable,
} from "./report/cost.js";
