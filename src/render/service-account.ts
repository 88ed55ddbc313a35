import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { AppModel } from "../model/app-model.js";
import { objectLabels } from "./labels.js";

/** A ServiceAccount of its own for a workload or backing, with no API token mounted (none needs the API). */
export function renderServiceAccount(
  model: AppModel,
  name: string,
  component: string,
): IServiceAccount & { metadata: { name: string } } {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: model.namespace, labels: objectLabels(model, name, component) },
    automountServiceAccountToken: false,
  };
}
