import { isBlockable, quoteYaml, TemplateString } from "../yaml-writer.js";

/** Go-template text that prints `{{` literally (alert annotations and Grafana legends contain it). */
const LITERAL_OPEN = '{{ "{{" }}';

/**
 * Makes a rendered object namespace-portable and template-safe: every `metadata.namespace` becomes
 * the release namespace, in-cluster DNS names and PromQL selectors follow it, and literal `{{` in
 * strings is escaped so that Helm prints it instead of evaluating it.
 */
export function portable(value: unknown, namespace: string, key?: string): unknown {
  if (typeof value === "string") return portableString(value, namespace, key);
  if (Array.isArray(value))
    return value.map((v) =>
      portable(v, namespace, key === "matchNames" || key === "includedNamespaces" ? "matchNames" : undefined),
    );
  if (value !== null && typeof value === "object" && value.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = portable(v, namespace, k);
    return out;
  }
  return value;
}

function portableString(s: string, ns: string, key: string | undefined): unknown {
  if ((key === "namespace" || key === "matchNames") && s === ns)
    return new TemplateString("{{ .Release.Namespace }}");
  const needs = s.includes("{{") || s.includes(`.${ns}.svc`) || s.includes(`namespace="${ns}"`);
  if (!needs) return s;
  const multiLine = isBlockable(s);
  // Strings a literal block holds exactly are written raw in one; all others double-quoted, so escape them first.
  let text = multiLine ? s : quoteYaml(s).slice(1, -1);
  text = text.replaceAll("{{", LITERAL_OPEN);
  text = text.replaceAll(`.${ns}.svc`, ".{{ .Release.Namespace }}.svc");
  text = multiLine
    ? text
        .replaceAll(`namespace=\\"${ns}\\"`, 'namespace=\\"{{ .Release.Namespace }}\\"')
        .replaceAll(`namespace="${ns}"`, 'namespace="{{ .Release.Namespace }}"')
    : text.replaceAll(`namespace=\\"${ns}\\"`, 'namespace=\\"{{ .Release.Namespace }}\\"');
  return new TemplateString(text);
}
