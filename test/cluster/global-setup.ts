import type { TestProject } from "vitest/node";
import { down, isUp, up } from "./cluster.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/**
 * Starts the local control plane once for the cluster tests (building it first on a fresh machine),
 * and stops it afterwards, unless it was already up (someone is using it by hand) or
 * KUBESHIP_KEEP_CLUSTER=1.
 */
export default function setup(project: TestProject): () => void {
  const wasUp = isUp();
  project.provide("kubeconfig", up());
  return () => {
    if (!wasUp && process.env["KUBESHIP_KEEP_CLUSTER"] !== "1") down();
  };
}
