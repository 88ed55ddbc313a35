import { asArray, asRecord, asString, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";
import { isRuntimeSocket } from "./docker-socket.js";

export const hostPath: Rule = {
  id: "host-path",
  severity: "warning",
  category: "security",
  title: "Pods do not mount directories of the node",
  why: "A hostPath volume gives the pod the node's files: logs, credentials of other pods, the container runtime. Data written there stays on one node and is lost when the pod moves. The baseline Pod Security Standard forbids hostPath.",
  fix: "Use a PersistentVolumeClaim for data, a ConfigMap or Secret for configuration, an emptyDir for scratch space.",
  seeAlso: ["kube-linter sensitive-host-mounts", "Polaris hostPathSet", "Trivy KSV023"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n      volumes:\n        - name: data\n          hostPath:\n            path: /data\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n      volumes:\n        - name: data\n          emptyDir: {}\n",
  },
  check: (ctx) =>
    eachPod(ctx, (p) =>
      asArray(p.spec.volumes).flatMap((v, i) => {
        const path = asString(field(v, "hostPath", "path"));
        if (asRecord(v)?.hostPath === undefined || (path !== undefined && isRuntimeSocket(path))) return [];
        return [
          finding(
            p.target,
            [...p.specPath, "volumes", i, "hostPath"],
            `volume "${asString(asRecord(v)?.name) ?? i}" mounts ${path ?? "a path"} of the node`,
            "use a PersistentVolumeClaim, ConfigMap, Secret or emptyDir",
          ),
        ];
      }),
    ),
};
