import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";

export const hostNamespaces: Rule = {
  id: "host-namespaces",
  severity: "error",
  category: "security",
  title: "Pods do not share the node's network, process or IPC namespace",
  why: "hostNetwork lets a pod listen on and sniff the node's interfaces and bypass NetworkPolicies; hostPID lets it see and signal every process of the node; hostIPC lets it read other pods' shared memory. The baseline Pod Security Standard forbids all three.",
  fix: "Remove `hostNetwork`, `hostPID` and `hostIPC`. Expose ports through a Service instead of the host network.",
  seeAlso: ["kube-linter host-network", "Polaris hostNetworkSet", "Checkov CKV_K8S_17", "Trivy KSV008"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: api\n          image: api:1.0.0\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check: (ctx) =>
    eachPod(ctx, (p) =>
      ["hostNetwork", "hostPID", "hostIPC"]
        .filter((k) => p.spec[k] === true)
        .map((k) => finding(p.target, [...p.specPath, k], `the pod sets ${k}: true`, `remove ${k}`)),
    ),
};
