import type { Diagnostic } from "../spec/diagnostic.js";

/** One row of a load profile: from second `t` on, `rps` requests per second (until the next row). */
export interface LoadPoint {
  readonly t: number;
  readonly rps: number;
}

/** The longest profile simulate replays: 31 days (178,560 autoscaler syncs). */
export const MAX_PROFILE_SECONDS = 31 * 24 * 3600;

/**
 * Reads a load profile: CSV rows `seconds,rps` (a header row and `#` comments allowed), seconds
 * increasing from 0. Every problem is a diagnostic with its line; no profile is returned then.
 */
export function parseLoadProfile(
  text: string,
  file: string,
): { points?: LoadPoint[]; diagnostics: Diagnostic[] } {
  const points: LoadPoint[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const at = { file, line: i + 1, column: 1 };
    // A header names the columns: no cell of it is a number.
    if (
      points.length === 0 &&
      diagnostics.length === 0 &&
      cells.every((c) => c === "" || Number.isNaN(Number(c)))
    )
      return;
    const [t, rps] = cells.map(Number);
    if (
      cells.length !== 2 ||
      t === undefined ||
      rps === undefined ||
      !Number.isFinite(t) ||
      !Number.isFinite(rps)
    ) {
      diagnostics.push({
        code: "load/row",
        severity: "error",
        path: [],
        message: `expected two numbers "seconds,rps", got "${raw.trim()}"`,
        hint: "write one row per change of load, e.g. 0,100 then 300,800",
        position: at,
      });
      return;
    }
    const prev = points.at(-1);
    if (t < 0 || rps < 0) {
      diagnostics.push({
        code: "load/negative",
        severity: "error",
        path: [],
        message: "seconds and rps cannot be negative",
        position: at,
      });
      return;
    }
    if (t > MAX_PROFILE_SECONDS) {
      diagnostics.push({
        code: "load/too-long",
        severity: "error",
        path: [],
        message: `second ${t} is past the ${MAX_PROFILE_SECONDS / 86400} days simulate replays`,
        hint: "simulate a shorter window, e.g. one busy day",
        position: at,
      });
      return;
    }
    // After an error in an earlier row, where the profile starts is already in question.
    if (prev === undefined && t !== 0 && diagnostics.length === 0) {
      diagnostics.push({
        code: "load/start",
        severity: "error",
        path: [],
        message: `the first row must start at second 0, not ${t}`,
        hint: `add a row 0,${rps} or the load before it`,
        position: at,
      });
      return;
    }
    if (prev !== undefined && t <= prev.t) {
      diagnostics.push({
        code: "load/order",
        severity: "error",
        path: [],
        message: `second ${t} does not come after ${prev.t}`,
        hint: "sort the rows by time",
        position: at,
      });
      return;
    }
    points.push({ t, rps });
  });
  if (points.length === 0 && diagnostics.length === 0)
    diagnostics.push({
      code: "load/empty",
      severity: "error",
      path: [],
      message: "the load profile has no rows",
      hint: "write rows 'seconds,rps', e.g. 0,100",
      position: { file, line: 1, column: 1 },
    });
  return diagnostics.length > 0 ? { diagnostics } : { points, diagnostics };
}

/** The request rate at second `t` of a profile. */
export function rpsAt(points: readonly LoadPoint[], t: number): number {
  let rps = 0;
  for (const p of points) {
    if (p.t > t) break;
    rps = p.rps;
  }
  return rps;
}
