import type { PlanEntry } from "./plan.js";
import type { Readiness } from "./readiness.js";

/** What the deploy engine reports as it goes; the CLI turns these into a task list, lines or JSON. */
export type DeployEvent =
  | { readonly type: "connected"; readonly server: string; readonly version: string }
  | { readonly type: "note"; readonly message: string }
  | { readonly type: "plan"; readonly entries: readonly PlanEntry[] }
  | {
      readonly type: "secret";
      readonly name: string;
      readonly action: "created" | "completed" | "kept" | "updated";
      readonly keys: readonly string[];
    }
  | {
      readonly type: "wave";
      readonly index: number;
      readonly total: number;
      readonly name: string;
      readonly objects: readonly string[];
    }
  | { readonly type: "applied"; readonly object: string; readonly action: string }
  | { readonly type: "progress"; readonly object: string; readonly readiness: Readiness }
  | { readonly type: "pruned"; readonly object: string }
  | { readonly type: "revision"; readonly revision: number; readonly status: string }
  | { readonly type: "rollback"; readonly from: number; readonly to: number }
  | { readonly type: "done"; readonly revision: number; readonly seconds: number; readonly requests: number };

/** Receives deploy events. */
export type Reporter = (event: DeployEvent) => void;
