import { asArray, asString, field } from "../object.js";
import type { Rule } from "../types.js";
import { eachPod, finding } from "./support.js";

const SOCKETS = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/run/crio/crio.sock",
  "/var/run/cri-dockerd.sock",
];

/** True for the container runtime's socket or a directory that holds it. */
export function isRuntimeSocket(path: string): boolean {
  const p = path.replace(/\/+$/, "") || "/";
  return SOCKETS.some((s) => s === p || s.startsWith(`${p}/`));
}

export const dockerSocket: Rule = {
  id: "docker-socket",
  severity: "error",
  category: "security",
  title: "Pods do not mount the container runtime's socket",
  why: "Whoever can talk to the Docker, containerd or CRI-O socket can start a privileged container on the node and so owns the node, whatever the pod's own securityContext says.",
  fix: "Remove the hostPath volume. To build images in the cluster use a daemonless builder (BuildKit rootless, kaniko); to read container metadata use the Kubernetes API.",
  seeAlso: ["kube-linter docker-sock", "Polaris", "Checkov CKV_K8S_27", "Trivy KSV006"],
  examples: {
    bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n      volumes:\n        - name: docker\n          hostPath:\n            path: /var/run/docker.sock\n",
    good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n",
  },
  check: (ctx) =>
    eachPod(ctx, (p) =>
      asArray(p.spec.volumes).flatMap((v, i) => {
        const path = asString(field(v, "hostPath", "path"));
        return path !== undefined && isRuntimeSocket(path)
          ? [
              finding(
                p.target,
                [...p.specPath, "volumes", i, "hostPath", "path"],
                `the pod mounts the container runtime socket ${path}`,
                "remove the volume; use a daemonless image builder or the Kubernetes API",
              ),
            ]
          : [];
      }),
    ),
};
