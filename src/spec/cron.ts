/**
 * Cron schedules as the CronJob controller reads them: robfig/cron's standard parser
 * (`cron.ParseStandard`): five fields, or a descriptor (`@daily`, `@every 1h30m`). Kubernetes refuses
 * `TZ=`/`CRON_TZ=` in the schedule (the `timeZone` field says it).
 * https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

const DESCRIPTORS = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);

/** Why a schedule is not one the CronJob controller accepts, or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s))
    return "a time zone in the schedule is refused by Kubernetes; set the CronJob's timeZone instead";
  if (s.startsWith("@")) {
    if (DESCRIPTORS.has(s)) return undefined;
    const every = /^@every\s+(.+)$/.exec(s);
    if (every !== null)
      return /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(every[1] ?? "")
        ? undefined
        : `'${every[1] ?? ""}' is not a duration such as 1h30m`;
    return `unknown descriptor '${s}'; use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>`;
  }
  const parts = s.split(/\s+/);
  if (parts.length !== 5)
    return `a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i] ?? "", FIELDS[i] as (typeof FIELDS)[number]);
    if (problem !== undefined) return `${FIELDS[i]?.name ?? ""} field '${parts[i] ?? ""}': ${problem}`;
  }
  return undefined;
}

function fieldProblem(
  field: string,
  spec: { min: number; max: number; names?: readonly string[] },
): string | undefined {
  for (const item of field.split(",")) {
    const [range = "", step, extra] = item.split("/");
    if (extra !== undefined) return "more than one '/'";
    if (step !== undefined && !/^\d+$/.test(step)) return `step '${step}' is not a number`;
    if (step !== undefined && Number(step) === 0) return "a step of 0";
    if (range === "*" || range === "?") continue;
    const [lo = "", hi, more] = range.split("-");
    if (more !== undefined) return `'${range}' is not a range`;
    const low = value(lo, spec);
    const high = hi === undefined ? low : value(hi, spec);
    if (low === undefined) return `'${lo}' is not a value from ${spec.min} to ${spec.max}`;
    if (high === undefined) return `'${hi ?? ""}' is not a value from ${spec.min} to ${spec.max}`;
    if (low > high) return `the range ${range} runs backwards`;
  }
  return undefined;
}

function value(
  text: string,
  spec: { min: number; max: number; names?: readonly string[] },
): number | undefined {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named !== -1) return named + spec.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= spec.min && n <= spec.max ? n : undefined;
}
