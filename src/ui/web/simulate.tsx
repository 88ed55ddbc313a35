import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { AppInfo, SimulationAnswer } from "../api-types.js";
import { message, post } from "./api.js";
import { Choice, NumberField } from "./fields.js";

const SAMPLE = "# seconds,rps: each value holds until the next row\n0,50\n120,400\n600,400\n660,80\n";

/** The HPA simulation of a service: an uploaded (or typed) load profile, replayed; a chart of it. */
export function SimulatePanel(props: { info: AppInfo }) {
  const services = props.info.nodes.filter((n) => n.autoscaled).map((n) => n.name);
  const [service, setService] = useState(services[0] ?? "");
  const [capacity, setCapacity] = useState("100");
  const [startup, setStartup] = useState("30");
  const [profile, setProfile] = useState(SAMPLE);
  const [result, setResult] = useState<SimulationAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (services.length === 0)
    return (
      <p class="hint">No service here has a CPU autoscaler (autoscale: {"{ min, max, cpu }"}) to simulate.</p>
    );

  const run = async (): Promise<void> => {
    setError(undefined);
    try {
      setResult(
        await post<SimulationAnswer>("/api/simulate", {
          service,
          capacity: Number(capacity),
          startup: Number(startup),
          profile,
        }),
      );
    } catch (e) {
      setResult(undefined);
      setError(message(e));
    }
  };
  const upload = (e: Event): void => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void file.text().then(setProfile);
  };
  return (
    <section aria-label="simulation" class="simulate">
      <div class="form-grid">
        <Choice label="Service" value={service} options={services} onChange={setService} />
        <NumberField
          label="Requests/s one pod serves at 100% CPU"
          value={capacity}
          min="0.1"
          onInput={setCapacity}
        />
        <NumberField label="Seconds until a new pod serves" value={startup} min="0" onInput={setStartup} />
        <label>
          Load profile (CSV file) <input type="file" accept=".csv,text/csv,text/plain" onChange={upload} />
        </label>
      </div>
      <label class="block">
        Load profile: seconds,rps
        <textarea
          rows={5}
          value={profile}
          onInput={(e) => {
            setProfile((e.target as HTMLTextAreaElement).value);
          }}
        />
      </label>
      <button type="button" class="primary" onClick={() => void run()}>
        Simulate
      </button>
      {error === undefined ? null : (
        <pre class="error" role="alert">
          {error}
        </pre>
      )}
      {result === undefined ? null : <Chart result={result} />}
    </section>
  );
}

function Chart(props: { result: SimulationAnswer }) {
  const host = useRef<HTMLDivElement>(null);
  const r = props.result;
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const t = r.points.map((p) => p.t);
    const plot = new uPlot(
      {
        width: Math.max(360, el.clientWidth),
        height: 260,
        scales: { x: { time: false }, rps: {}, pods: {} },
        // The legend names the series; the values under the cursor would only say "--" in a screenshot.
        legend: { live: false },
        axes: [
          { label: "seconds" },
          { scale: "rps", label: "requests/s" },
          // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- uPlot's Side is an ambient const enum, which isolatedModules cannot name: 1 is Side.Right
          { scale: "pods", side: 1, label: "pods", grid: { show: false } },
        ],
        series: [
          {},
          { label: "load (rps)", scale: "rps", stroke: "#0969da", width: 2 },
          { label: "replicas", scale: "pods", stroke: "#bc4c00", width: 2 },
          { label: "ready", scale: "pods", stroke: "#1a7f37", width: 2, dash: [6, 4] },
        ],
      },
      [t, r.points.map((p) => p.rps), r.points.map((p) => p.replicas), r.points.map((p) => p.ready)],
      el,
    );
    return () => {
      plot.destroy();
    };
  }, [r]);
  const summary = `${r.service}: peak ${r.peakReplicas} replicas (between ${r.minReplicas} and ${r.maxReplicas}, CPU target ${r.targetUtilization}%), overloaded for ${r.overloadedSeconds} s`;
  return (
    <figure class="chart" data-testid="simulation">
      <div
        ref={host}
        role="img"
        aria-label={`chart of load, replicas and ready pods over time. ${summary}`}
      />
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
