import { asArray, asRecord, asString, stringMap } from "./object.js";

/** Whether labels match a plain selector map (a Service's `spec.selector`). Empty selects nothing here. */
export function matchesMap(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((k) => labels[k] === selector[k]);
}

/**
 * Whether labels match a LabelSelector (`matchLabels` and `matchExpressions`), as the API does.
 * An empty selector matches everything. https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 */
export function matchesSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const sel = asRecord(selector);
  if (sel === undefined) return true;
  const ml = asRecord(sel.matchLabels);
  if (ml !== undefined)
    for (const k in ml) if (typeof ml[k] === "string" && labels[k] !== ml[k]) return false;
  for (const e of asArray(sel.matchExpressions)) {
    const expr = asRecord(e);
    const key = asString(expr?.key);
    if (key === undefined) continue;
    const values = asArray(expr?.values).filter((v): v is string => typeof v === "string");
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    switch (expr?.operator) {
      case "In":
        if (!has || !values.includes(value ?? "")) return false;
        break;
      case "NotIn":
        if (has && values.includes(value ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a LabelSelector is present and has no terms (it selects every pod). */
export function isEmptySelector(selector: unknown): boolean {
  const sel = asRecord(selector);
  return (
    sel !== undefined &&
    Object.keys(stringMap(sel.matchLabels)).length === 0 &&
    asArray(sel.matchExpressions).length === 0
  );
}

/** Whether two objects can be in the same namespace (an object without one goes where it is applied). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}
