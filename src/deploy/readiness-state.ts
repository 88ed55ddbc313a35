/** Where an object stands on its way to ready. */
export interface Readiness {
  readonly state: "ready" | "progressing" | "failed";
  readonly message: string;
}
