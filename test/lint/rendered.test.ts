import { describe, expect, it } from "vitest";
import { manifestObjectsOf } from "../../src/lint/input.js";
import { DEFAULT_SETTINGS, lintManifests } from "../../src/lint/lint.js";
import { environmentNames } from "../../src/spec/load-spec.js";
import { schemasFor } from "../helpers/lint.js";
import { readRepoFile, renderFile, SPECS } from "../helpers/render.js";

// Everything kubeship renders must lint with zero findings, at the restricted Pod Security level,
// for every Kubernetes version lint knows and every environment of every spec.
const cases = SPECS.flatMap((spec) => [
  [spec, undefined] as const,
  ...environmentNames(readRepoFile(spec)).map((env) => [spec, env] as const),
]);

describe.each(cases)("%s (env %s)", (spec, env) => {
  it.each(["1.30", "1.34", "1.37"])("lints clean for Kubernetes %s", async (kubeVersion) => {
    const app = renderFile(spec, env);
    const input = manifestObjectsOf(app.objects, spec);
    const report = lintManifests(
      input,
      { ...DEFAULT_SETTINGS, kubeVersion, podSecurity: "restricted" },
      await schemasFor(kubeVersion),
    );
    expect(report.findings).toEqual([]);
    expect(report.objects).toBe(app.objects.length);
    // The waivers render writes are deliberate and each says why.
    for (const w of report.waived) expect(w.reason.length).toBeGreaterThan(10);
  });
});
