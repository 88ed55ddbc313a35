import { asString } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

/** The tag of an image reference (`undefined` when there is none), or `@` when it is pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return "@";
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon < 0 ? undefined : last.slice(colon + 1);
}

export const imageTagRule: Rule = {
  id: "image-tag",
  severity: "error",
  category: "reliability",
  title: "Images are pinned to a version",
  why: "An image without a tag, or with `latest`, is whatever was pushed last: two pods of one Deployment can run different code, a rollback redeploys the same broken image, and nobody can tell what is running.",
  fix: "Use an explicit version tag (`api:1.4.2`) or a digest (`api@sha256:...`), and change it to deploy.",
  seeAlso: [
    "kube-score container-image-tag",
    "kube-linter latest-tag",
    "Polaris tagNotSpecified",
    "Checkov CKV_K8S_14",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:latest\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) => {
      const image = asString(c.container.image);
      if (image === undefined || image.includes("{{")) return undefined;
      const tag = imageTag(image);
      if (tag !== undefined && tag !== "latest" && tag !== "") return undefined;
      return finding(
        c.pod.target,
        [...c.path, "image"],
        `container "${c.name}" uses ${tag === undefined ? "an untagged image" : "the latest tag"} (${image})`,
        "pin a version tag or a digest",
      );
    }),
};
