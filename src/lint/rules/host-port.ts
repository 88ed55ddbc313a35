import { asArray, asRecord } from "../object.js";
import type { Rule } from "../types.js";
import { eachContainer, finding } from "./support.js";

export const hostPort: Rule = {
  id: "host-port",
  severity: "warning",
  category: "security",
  title: "Containers do not bind host ports",
  why: "A hostPort ties the pod to nodes where that port is free, so replicas cannot share a node and scheduling fails in surprising ways; it also opens the port on the node's address, outside NetworkPolicies and Services.",
  fix: "Remove `hostPort` and reach the pod through a Service (NodePort or LoadBalancer if it must be reachable from outside).",
  seeAlso: ["kube-linter host-port", "Polaris hostPortSet", "Trivy KSV024"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports:\n            - containerPort: 8080\n              hostPort: 8080\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n          ports:\n            - containerPort: 8080\n",
  },
  check: (ctx) =>
    eachContainer(ctx, (c) =>
      asArray(c.container.ports).flatMap((p, i) => {
        const hp = asRecord(p)?.hostPort;
        return typeof hp === "number" && hp !== 0
          ? [
              finding(
                c.pod.target,
                [...c.path, "ports", i, "hostPort"],
                `container "${c.name}" binds host port ${hp}`,
                "remove hostPort; use a Service",
              ),
            ]
          : [];
      }),
    ),
};
