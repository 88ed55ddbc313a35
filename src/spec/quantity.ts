const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity as a plain number: `250m` is 0.25 (cores), `256Mi` is 268435456 (bytes).
 * Anything that is not a quantity counts as 0. https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function quantityValue(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return 0;
  const m = /^\+?([0-9]*\.?[0-9]*)([eE][-+]?[0-9]+|[a-zA-Z]*)$/.exec(q);
  if (m === null || m[1] === "" || m[1] === ".") return 0;
  const suffix = m[2] ?? "";
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return factor === undefined ? 0 : Number(m[1]) * factor;
}
