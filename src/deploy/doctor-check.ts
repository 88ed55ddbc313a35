/** The result of one preflight check. */
export interface DoctorCheck {
  /** What was checked, e.g. `metrics-server`. */
  readonly name: string;
  readonly status: "ok" | "warn" | "fail";
  readonly detail: string;
  /** What to do about it, when it is not ok. */
  readonly fix?: string;
}
