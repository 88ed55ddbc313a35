import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitKustomize } from "../../src/emit/kustomize.js";
import type { KubeObject } from "../../src/render/kube-object.js";
import { environmentNames } from "../../src/spec/load-spec.js";
import { readRepoFile, renderFile, SPECS } from "../helpers/render.js";
import { keyed, parseObjects, run, writeTemp } from "../helpers/tools.js";

describe.each(SPECS)("kustomize tree of %s", (path) => {
  const base = renderFile(path);
  const envNames = environmentNames(readRepoFile(path));
  const envs = new Map<string, readonly KubeObject[]>(envNames.map((e) => [e, renderFile(path, e).objects]));
  const tree = emitKustomize(base.objects, envs);

  it("builds the base into the same objects as kubeship render", async () => {
    const dir = await writeTemp(tree);
    expect(keyed(parseObjects(run("kubectl", ["kustomize", join(dir, "base")])))).toEqual(
      keyed(base.objects),
    );
  });

  it.each(envNames.length > 0 ? envNames : ["(none)"])(
    "builds overlay %s into the same objects as render --env",
    async (env) => {
      if (env === "(none)") {
        expect([...tree.keys()].some((f) => f.startsWith("overlays/"))).toBe(false);
        return;
      }
      const dir = await writeTemp(tree);
      const built = parseObjects(run("kubectl", ["kustomize", join(dir, "overlays", env)]));
      expect(keyed(built)).toEqual(keyed(envs.get(env) ?? []));
      // An overlay holds only differences: never a full copy of an object that exists in the base.
      const baseFiles = new Set(readdirSync(join(dir, "base")));
      for (const f of readdirSync(join(dir, "overlays", env)).filter((x) => x !== "kustomization.yaml"))
        expect(baseFiles.has(f), f).toBe(false);
    },
  );
});
