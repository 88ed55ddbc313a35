import { asArray, asString } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

/** The registry host of an image reference (Docker Hub for a name without one). */
export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

export const allowedRegistries: Rule = {
  id: "allowed-registries",
  severity: "error",
  category: "security",
  title: "Images come from the registries the team allows",
  why: "An image from an unvetted registry is code nobody reviewed, scanned or can pull again tomorrow; most supply-chain policies (Kyverno, Gatekeeper, Polaris' and Checkov's registry checks) start with a list of allowed registries. Checking it before apply finds the stray `docker.io` image in review instead of at admission.",
  fix: "Pull the image from an allowed registry (mirror it there), or add the registry to the list in `.kubeship-lint.yaml`: `rules: {allowed-registries: {registries: [ghcr.io/acme, registry.k8s.io]}}`. Without a list, the rule checks nothing.",
  seeAlso: ["Polaris", "Checkov CKV_K8S_ (image registry)", "Kyverno restrict-image-registries"],
  optionsDoc: {
    registries:
      "allowed registries or prefixes (`ghcr.io/acme` allows ghcr.io/acme/*; `docker.io` is Docker Hub, also for names without a registry)",
  },
  exampleOptions: { registries: ["ghcr.io/acme"] },
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: docker.io/someone/api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n",
  },
  check: (ctx) => {
    const allowed = asArray(ctx.options.registries).filter((x): x is string => typeof x === "string");
    if (allowed.length === 0) return [];
    return eachContainer(ctx, (c) => {
      const image = asString(c.container.image);
      if (image === undefined || image.includes("{{")) return undefined;
      const host = registryOf(image);
      const full = host === "docker.io" && !image.startsWith("docker.io/") ? `docker.io/${image}` : image;
      if (allowed.some((a) => full === a || full.startsWith(`${a.replace(/\/$/, "")}/`))) return undefined;
      return finding(
        c.pod.target,
        [...c.path, "image"],
        `container "${c.name}" pulls ${image} from ${registryOf(image)}, which is not an allowed registry`,
        `allowed: ${allowed.join(", ")}`,
      );
    });
  },
};
