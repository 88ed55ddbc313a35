import { asString } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

/** Registries that no longer receive images, and where their images went. */
const FROZEN: readonly (readonly [string, string])[] = [
  ["k8s.gcr.io/", "registry.k8s.io/"],
  ["gcr.io/google-containers/", "registry.k8s.io/"],
];

export const frozenRegistry: Rule = {
  id: "frozen-registry",
  severity: "warning",
  category: "reliability",
  title: "Images do not come from a frozen registry",
  why: "k8s.gcr.io was frozen on 3 April 2023: it receives no new images or patches (security fixes included) and pulls from it may stop; the Kubernetes project publishes to registry.k8s.io instead.",
  fix: "Pull the same image from registry.k8s.io (the paths are the same), at a current version.",
  seeAlso: ["https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: metrics\nspec:\n  selector:\n    matchLabels: {app: metrics}\n  template:\n    metadata:\n      labels: {app: metrics}\n    spec:\n      containers:\n        - name: metrics\n          image: k8s.gcr.io/metrics-server/metrics-server:v0.6.1\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: metrics\nspec:\n  selector:\n    matchLabels: {app: metrics}\n  template:\n    metadata:\n      labels: {app: metrics}\n    spec:\n      containers:\n        - name: metrics\n          image: registry.k8s.io/metrics-server/metrics-server:v0.7.2\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) => {
      const image = asString(c.container.image);
      const hit = image === undefined ? undefined : FROZEN.find(([from]) => image.startsWith(from));
      if (image === undefined || hit === undefined) return undefined;
      return finding(
        c.pod.target,
        [...c.path, "image"],
        `container "${c.name}" pulls ${image} from the frozen registry ${hit[0].slice(0, -1)}`,
        `use ${hit[1]}${image.slice(hit[0].length)}`,
      );
    }),
};
