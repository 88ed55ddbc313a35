import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../test/helpers/render.js";
import { API_DEPRECATIONS, compareMinor } from "./deprecations.js";
import type { SchemaSet } from "./schema/compact.js";

const sets = readdirSync(`${ROOT}/schemas`)
  .filter((f) => f.startsWith("kubernetes-"))
  .map((f) => JSON.parse(readFileSync(`${ROOT}/schemas/${f}`, "utf8")) as SchemaSet);

describe("the deprecation table agrees with the upstream schemas", () => {
  it("has schemas for eight versions", () => {
    expect(sets.map((s) => s.name).sort()).toEqual(
      ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37"].map((v) => `kubernetes-${v}`),
    );
  });

  it.each(API_DEPRECATIONS.map((d) => [`${d.apiVersion} ${d.kind}`, d] as const))("%s", (key, d) => {
    for (const s of sets) {
      const version = s.name.replace("kubernetes-", "");
      const served = s.kinds[key] !== undefined;
      if (d.removedIn !== undefined && compareMinor(version, d.removedIn) >= 0)
        expect(served, `${key} in ${version}`).toBe(false);
      else expect(served, `${key} in ${version}`).toBe(true);
    }
  });
});
