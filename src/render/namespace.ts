import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { AppModel } from "../model/app-model.js";
import { MANAGED_BY, MANAGED_BY_LABEL, PART_OF_LABEL } from "./labels.js";

/**
 * The app's Namespace, labelled so that the Pod Security admission enforces the chosen level.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function renderNamespace(model: AppModel): INamespace & { metadata: { name: string } } {
  const level = model.security.podSecurity;
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: model.namespace,
      labels: {
        [PART_OF_LABEL]: model.app,
        [MANAGED_BY_LABEL]: MANAGED_BY,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}

/** Namespaces kubeship never creates or owns. */
export const SHARED_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
];
