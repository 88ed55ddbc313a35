import type { SimulationResult } from "../simulate/simulate.js";

/** Labels for a simulation report. */
export interface SimulationLabels {
  readonly workload: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly capacityRps: number;
}

const cores = (n: number): string => (n < 1 ? `${Math.round(n * 1000)}m` : `${Math.round(n * 100) / 100}`);
const bytes = (n: number): string =>
  n >= 2 ** 30 ? `${Math.round((n / 2 ** 30) * 10) / 10}Gi` : `${Math.round(n / 2 ** 20)}Mi`;
const clock = (t: number): string => `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;

/** The summary lines every format shares. */
function summary(r: SimulationResult, l: SimulationLabels): string[] {
  return [
    `${l.workload}: ${l.minReplicas}-${l.maxReplicas} replicas, CPU target ${r.targetUtilization}%, one pod serves ${l.capacityRps} rps at 100% of its CPU request`,
    `peak: ${r.peakReplicas} replicas, requesting ${cores(r.peakCpu)} CPU and ${bytes(r.peakMemory)} memory`,
    r.overloadedSeconds > 0
      ? `over capacity for ${r.overloadedSeconds} s (ready pods above 100% of their CPU request: slow or failing requests)`
      : "never over capacity",
  ];
}

/** A table for people: one row per sync where something changed, then the summary. */
export function formatSimulationTable(r: SimulationResult, l: SimulationLabels): string {
  const rows = [["time", "rps", "replicas", "ready", "cpu %"]];
  let prev = "";
  for (const p of r.points) {
    const key = `${p.rps}|${p.replicas}|${p.ready}`;
    if (key === prev) continue;
    prev = key;
    rows.push([clock(p.t), String(p.rps), String(p.replicas), String(p.ready), String(p.utilization)]);
  }
  const widths =
    rows[0]?.map((_, i) => rows.reduce((most, row) => Math.max(most, (row[i] ?? "").length), 0)) ?? [];
  const lines = rows.map((row) => row.map((c, i) => c.padStart(widths[i] ?? 0)).join("  "));
  return `${lines.join("\n")}\n\n${summary(r, l).join("\n")}\n`;
}

/** The result for machines: `points` with `t` in seconds and `replicas`, and the peak cost. */
export function formatSimulationJson(r: SimulationResult, l: SimulationLabels): string {
  return `${JSON.stringify(
    {
      workload: l.workload,
      minReplicas: l.minReplicas,
      maxReplicas: l.maxReplicas,
      targetUtilization: r.targetUtilization,
      capacityRps: l.capacityRps,
      points: r.points,
      peak: { replicas: r.peakReplicas, cpu: r.peakCpu, memoryBytes: r.peakMemory },
      overloadedSeconds: r.overloadedSeconds,
    },
    null,
    2,
  )}\n`;
}

/** The round step (1, 2 or 5 times a power of ten) at or above `raw`, at least 1. */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

/** Words joined into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A chart a person can read: load (grey area, right axis), replicas and ready pods (left axis), the limits. */
export function formatSimulationSvg(r: SimulationResult, l: SimulationLabels): string {
  const W = 900;
  // The summary wraps at about 125 characters (12 px sans serif in 840 px), each line 16 px.
  const footer = wrap(summary(r, l).slice(1).join("; "), 125);
  const H = 404 + 16 * footer.length;
  const m = { left: 60, right: 70, top: 50, bottom: 74 + 16 * footer.length };
  const w = W - m.left - m.right;
  const h = H - m.top - m.bottom;
  const tMax = Math.max(1, r.points.at(-1)?.t ?? 1);
  let peak = l.maxReplicas;
  let rpsPeak = 1;
  for (const p of r.points) {
    peak = Math.max(peak, p.replicas);
    rpsPeak = Math.max(rpsPeak, p.rps);
  }
  // Whole-number ticks at a round step (1, 2, 5, 10, 20, 50, ...), the axis a multiple of it.
  const repStep = niceStep(peak / 4);
  const repMax = Math.max(repStep, Math.ceil(peak / repStep) * repStep);
  const rpsMax = rpsPeak * 1.1;
  const x = (t: number): number => m.left + (t / tMax) * w;
  const yRep = (n: number): number => m.top + h - (n / repMax) * h;
  const yRps = (n: number): number => m.top + h - (n / rpsMax) * h;
  const step = (values: readonly [number, number][], y: (n: number) => number): string =>
    values
      .map(([t, v], i) => {
        return i === 0 ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}` : `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`;
      })
      .join("");
  const load = `${step(
    r.points.map((p) => [p.t, p.rps]),
    yRps,
  )}H${x(tMax).toFixed(1)}V${(m.top + h).toFixed(1)}H${m.left}Z`;
  const replicas = step(
    r.points.map((p) => [p.t, p.replicas]),
    yRep,
  );
  const ready = step(
    r.points.map((p) => [p.t, p.ready]),
    yRep,
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="24" font-size="16" font-weight="bold">${esc(`HPA simulation: ${l.workload}`)}</text>`,
  ];
  for (let n = 0; n <= repMax; n += repStep) {
    const y = yRep(n);
    parts.push(
      `<line x1="${m.left}" x2="${m.left + w}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/>`,
      `<text x="${m.left - 8}" y="${(y + 4).toFixed(1)}" text-anchor="end">${n}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++)
    parts.push(
      `<text x="${m.left + w + 8}" y="${(yRps((rpsMax * i) / 4) + 4).toFixed(1)}">${Math.round((rpsMax * i) / 4)}</text>`,
    );
  const tStep = tMax > 3600 ? 900 : tMax > 1200 ? 300 : 60;
  for (let t = 0; t <= tMax; t += tStep)
    parts.push(`<text x="${x(t).toFixed(1)}" y="${m.top + h + 18}" text-anchor="middle">${clock(t)}</text>`);
  parts.push(
    `<path d="${load}" fill="#ddd" stroke="#bbb"/>`,
    `<line x1="${m.left}" x2="${m.left + w}" y1="${yRep(l.maxReplicas).toFixed(1)}" y2="${yRep(l.maxReplicas).toFixed(1)}" stroke="#c33" stroke-dasharray="6 4"/>`,
    `<text x="${m.left + 4}" y="${(yRep(l.maxReplicas) - 4).toFixed(1)}" fill="#c33">max ${l.maxReplicas}</text>`,
    `<path d="${ready}" fill="none" stroke="#2a2" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<path d="${replicas}" fill="none" stroke="#25c" stroke-width="2.5"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#333"/>`,
    `<text x="16" y="${m.top + h / 2}" transform="rotate(-90 16 ${m.top + h / 2})" text-anchor="middle">replicas</text>`,
    `<text x="${W - 16}" y="${m.top + h / 2}" transform="rotate(90 ${W - 16} ${m.top + h / 2})" text-anchor="middle">requests per second</text>`,
    `<text x="${m.left + w / 2}" y="${m.top + h + 36}" text-anchor="middle">time (min:s)</text>`,
    `<g transform="translate(${m.left},${m.top + h + 50})">`,
    `<rect width="14" height="10" fill="#ddd" stroke="#bbb"/><text x="20" y="10">load (rps)</text>`,
    `<line x1="110" x2="130" y1="5" y2="5" stroke="#25c" stroke-width="2.5"/><text x="136" y="10">replicas</text>`,
    `<line x1="210" x2="230" y1="5" y2="5" stroke="#2a2" stroke-width="2" stroke-dasharray="4 3"/><text x="236" y="10">ready pods</text>`,
    `</g>`,
    ...footer.map(
      (line, i) => `<text x="${m.left}" y="${m.top + h + 84 + 16 * i}" fill="#555">${esc(line)}</text>`,
    ),
    `</svg>`,
  );
  return `${parts.join("\n")}\n`;
}
