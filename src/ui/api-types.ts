/**
 * The contract between the UI server and the page: what each endpoint answers and each live event
 * carries. The page imports these types only (nothing of the server's code reaches the browser).
 */
import type { AppView } from "../deploy/app-watch.js";
import type { DeployEvent } from "../deploy/events.js";
import type { RevisionInfo } from "../deploy/history.js";
import type { NodeDetails } from "../deploy/node-details.js";
import type { NodeHealth, NodeState } from "../deploy/node-health.js";
import type { PlanEntry } from "../deploy/plan.js";
import type { CostReport } from "../report/cost.js";
import type { RevisionDiff } from "../report/revision-diff.js";
import type { SimulationPoint } from "../simulate/simulate.js";

export type {
  AppView,
  CostReport,
  DeployEvent,
  NodeDetails,
  NodeHealth,
  NodeState,
  PlanEntry,
  RevisionDiff,
  RevisionInfo,
};

/** `GET /api/app`: the app as rendered now, and the server's situation. */
export interface AppInfo {
  readonly app: string;
  readonly namespace: string;
  readonly env?: string;
  readonly envs: readonly string[];
  readonly readOnly: boolean;
  /** The cluster's address, when connected. */
  readonly server?: string;
  /** Why there is no cluster, when there is none. */
  readonly clusterError?: string;
  /** The spec's problems (it does not render), formatted; the rest is then the last good render. */
  readonly problems?: string;
  /** The architecture diagram (Graphviz SVG); its nodes' <title> is the node's name. */
  readonly svg: string;
  readonly nodes: readonly {
    readonly name: string;
    readonly nodeKind: "workload" | "backing";
    readonly type: string;
    readonly objects: readonly string[];
    /** Whether `simulate` can replay a load profile through its autoscaler. */
    readonly autoscaled: boolean;
  }[];
  /** The rendered deploy: its waves in order, and their objects. */
  readonly waves: readonly { readonly name: string; readonly objects: readonly string[] }[];
}

/** `POST /api/plan`: the plan against the cluster, to confirm with its id. */
export interface PlanAnswer {
  readonly planId: string;
  readonly server: string;
  readonly entries: readonly PlanEntry[];
}

/** An operation (deploy or rollback) started from the page. */
export interface OperationStarted {
  readonly operation: string;
}

/** A live event (`GET /api/events`, Server-Sent Events), by its event name. */
export interface LiveEvents {
  /** The app's nodes, revisions and recent changes, after every change. */
  readonly view: AppView & { readonly connected: boolean };
  /** One step of an operation started from the page: the deploy engine's own events. */
  readonly operation:
    | { readonly operation: string; readonly kind: "deploy" | "rollback"; readonly event: DeployEvent }
    | {
        readonly operation: string;
        readonly kind: "deploy" | "rollback";
        readonly end: "succeeded" | "failed";
        readonly error?: string;
        readonly hint?: string;
      };
  /** The spec file changed: fetch /api/app again. */
  readonly spec: { readonly changed: true };
}

/** `POST /api/simulate`: the HPA simulation of a service under an uploaded load profile. */
export interface SimulationAnswer {
  readonly service: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetUtilization: number;
  readonly peakReplicas: number;
  readonly overloadedSeconds: number;
  readonly points: readonly SimulationPoint[];
}

/** An error answer: what went wrong, and what to do. */
export interface ErrorAnswer {
  readonly error: string;
  readonly hint?: string;
}
