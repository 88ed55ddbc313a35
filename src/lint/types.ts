import type { Diagnostic, DocPath, Severity } from "../spec/diagnostic.js";
import type { SourceLocator } from "../spec/source.js";
import type { SchemaSet } from "./schema/compact.js";

/** A Kubernetes object as lint reads it: plain JSON data. */
export type KubeObject = Readonly<Record<string, unknown>>;

/** One object of the input, with where it came from. */
export interface ManifestObject {
  readonly object: KubeObject;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The namespace written in the object, if any. */
  readonly namespace: string | undefined;
  readonly file: string;
  /** The path of the object inside its document: `[]`, or `["items", 3]` inside a `List`. */
  readonly base: DocPath;
  /** Finds line and column of a path in the object's document (lazily: positions cost a second parse). */
  readonly locator: SourceLocator | undefined;
}

/** One condition of a team rule's check (see custom.ts). */
export interface CustomCheck {
  readonly path: string;
  readonly equals?: string | number | boolean | undefined;
  readonly in?: readonly (string | number | boolean)[] | undefined;
  readonly matches?: string | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/** A team rule from `custom:` in `.kubeship-lint.yaml` (validated by custom.ts's schema). */
export interface CustomRuleSpec {
  readonly id: string;
  readonly level: Severity;
  readonly title: string;
  readonly fix?: string | undefined;
  readonly kinds?: readonly string[] | undefined;
  readonly namespaces?: readonly string[] | undefined;
  readonly require?: readonly CustomCheck[] | undefined;
  readonly forbid?: readonly CustomCheck[] | undefined;
}

/** What the rule ids, levels and options of a run are. */
export interface LintSettings {
  /** Rule id to level: `off` disables. Rules not listed keep their own default. */
  readonly levels: Readonly<Record<string, Severity | "off">>;
  /** Rule id to its options from the config file. */
  readonly options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The Kubernetes version the manifests target, e.g. `1.34`. */
  readonly kubeVersion: string;
  /** The Pod Security Standards level checked where no Namespace label says otherwise. @default "baseline" */
  readonly podSecurity: "privileged" | "baseline" | "restricted";
  /** The team's own rules, from `custom:` in the config file. */
  readonly custom?: readonly CustomRuleSpec[];
}

/** Everything a rule sees: all objects at once, indexed. */
export interface RuleContext {
  readonly objects: readonly ManifestObject[];
  readonly settings: LintSettings;
  /** Schemas of the target version, the CRDs kubeship knows, and the CRDs found in the input. */
  readonly schemas: readonly SchemaSet[];
  /** This rule's options (from the config file); empty when none. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Whether the caller keeps an object's own findings (undefined: every object's). A batch of a
   * large input also holds objects another batch reports (the cluster-scoped ones, which every batch
   * needs for look-ups): a rule that checks each object on its own may skip those.
   */
  readonly reported?: (o: ManifestObject) => boolean;
}

/** A finding as a rule reports it: which object, where inside it, what and how to fix. */
export interface RuleFinding {
  readonly target: ManifestObject;
  /** Path inside the object. */
  readonly path: DocPath;
  readonly message: string;
  readonly hint?: string;
}

/** The categories rules are grouped by in the docs. */
export type RuleCategory =
  | "validity"
  | "security"
  | "pod-security"
  | "reliability"
  | "resources"
  | "networking"
  | "rbac"
  | "secrets"
  | "consistency"
  | "metadata"
  /** A team's own rules, from the config file. */
  | "team";

/** A lint rule: a stable id, a default level, the text of its docs page, examples and the check. */
export interface Rule {
  /** Stable id, part of the public contract: used in config, waivers and output. */
  readonly id: string;
  readonly severity: Severity;
  readonly category: RuleCategory;
  /** One line: what the rule wants. */
  readonly title: string;
  /** One paragraph: why it matters. */
  readonly why: string;
  /** One paragraph: how to fix it. */
  readonly fix: string;
  /** Peers that check the same thing, e.g. `kube-score container-resources`. */
  readonly seeAlso?: readonly string[];
  /** Options the examples are linted with (a rule that checks nothing until configured). */
  readonly exampleOptions?: Readonly<Record<string, unknown>>;
  /** YAML documents: `bad` must raise this rule, `good` must not. Shown on the docs page and tested. */
  readonly examples: { readonly bad: string; readonly good: string };
  /** Options the config file may set, with their defaults, for the docs. */
  readonly optionsDoc?: Readonly<Record<string, string>>;
  check(ctx: RuleContext): Iterable<RuleFinding>;
}

/** A reference to the object a finding is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A finding, ready for output: a diagnostic whose code is the rule id, with the object it is about. */
export interface LintFinding extends Diagnostic {
  readonly object?: ObjectRef;
}
