import { asArray, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

/** Capabilities that give a container power over the node or the network (kube-linter, Polaris, Trivy agree). */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "NET_RAW",
  "SYS_PTRACE",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_BOOT",
  "SYS_TIME",
  "DAC_READ_SEARCH",
  "BPF",
  "PERFMON",
]);

export const dangerousCapabilities: Rule = {
  id: "dangerous-capabilities",
  severity: "error",
  category: "security",
  title: "No dangerous capabilities added",
  why: "SYS_ADMIN is close to root on the host, NET_ADMIN and NET_RAW let a container rewrite or spoof the node's network, SYS_PTRACE and SYS_MODULE allow reading other processes or loading kernel code. An application that needs one is rare and should say why.",
  fix: "Remove the capability from `securityContext.capabilities.add`. If it is truly needed, waive the rule on the object with the reason: `kubeship.io/waive.dangerous-capabilities: <why>`.",
  seeAlso: [
    "kube-linter drop-net-raw-capability",
    "Polaris dangerousCapabilities",
    "Checkov CKV_K8S_39",
    "Trivy KSV005",
  ],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            capabilities:\n              add: [SYS_ADMIN]\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          securityContext:\n            capabilities:\n              drop: [ALL]\n              add: [NET_BIND_SERVICE]\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      asArray(field(c.container, "securityContext", "capabilities", "add")).flatMap((cap, i) =>
        typeof cap === "string" && DANGEROUS_CAPABILITIES.has(cap.toUpperCase().replace(/^CAP_/, ""))
          ? [
              finding(
                c.pod.target,
                [...c.path, "securityContext", "capabilities", "add", i],
                `container "${c.name}" adds the capability ${cap}`,
                "remove it, or waive with the reason it is needed",
              ),
            ]
          : [],
      ),
    ),
};
