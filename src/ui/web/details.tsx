import { useEffect, useState } from "preact/hooks";
import type { NodeDetails, NodeHealth } from "../api-types.js";
import { TableHead } from "./fields.js";
import { get, message } from "./api.js";
import { STATE_LABEL } from "./states.js";

/** The selected node: its pods, events, failing logs, autoscaler, budget and what it reads. */
export function Details(props: { node: string | undefined; health: NodeHealth | undefined }) {
  const [details, setDetails] = useState<NodeDetails | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Fetched again whenever the node's state or message changes (the watch saw something).
  const version = props.health === undefined ? "" : `${props.health.state}|${props.health.message}`;
  useEffect(() => {
    if (props.node === undefined) return;
    let live = true;
    get<NodeDetails>(`/api/nodes/${encodeURIComponent(props.node)}`).then(
      (d) => {
        if (live) {
          setDetails(d);
          setError(undefined);
        }
      },
      (e: unknown) => {
        if (live) setError(message(e));
      },
    );
    return () => {
      live = false;
    };
  }, [props.node, version]);

  if (props.node === undefined)
    return <p class="hint">Select a node of the graph (click it, or Tab to it and press Enter).</p>;
  if (error !== undefined) return <p class="error">{error}</p>;
  if (details === undefined || details.node !== props.node) return <p class="hint">Loading {props.node}…</p>;
  const h = props.health;
  const d = details;
  return (
    <section aria-label={`details of ${d.node}`} class="details">
      <h2>
        {d.node} <span class="muted">{d.type}</span>
      </h2>
      {h === undefined ? null : (
        <p class={`state-line state-${h.state}`} data-testid="node-state">
          <span aria-hidden="true">{STATE_LABEL[h.state].symbol}</span>{" "}
          <strong>{STATE_LABEL[h.state].word}</strong>
          {": "}
          {h.message}
        </p>
      )}
      {d.desired === undefined ? null : (
        <p>
          Pods ready: <strong>{d.ready ?? 0}</strong> of {d.desired} desired
        </p>
      )}
      {d.explanation === undefined ? null : (
        <div class="explanation" data-testid="explanation">
          <h3>Why it is not ready</h3>
          <pre>{d.explanation}</pre>
        </div>
      )}
      {d.pods.length === 0 ? null : (
        <>
          <h3>Pods</h3>
          <table>
            <TableHead columns={["Pod", "Phase", "Ready", "Restarts", "Last termination"]} />
            <tbody>
              {d.pods.flatMap((p) => [
                <tr key={p.name} class={p.problem === undefined ? "" : "has-problem"}>
                  <td>{p.name}</td>
                  <td>{p.phase}</td>
                  <td>{p.ready}</td>
                  <td>{p.restarts}</td>
                  <td>{p.lastTermination ?? "—"}</td>
                </tr>,
                ...(p.problem === undefined
                  ? []
                  : [
                      <tr key={`${p.name}-problem`}>
                        <td colSpan={5} class="error small">
                          {p.problem}
                        </td>
                      </tr>,
                    ]),
              ])}
            </tbody>
          </table>
        </>
      )}
      {d.logs === undefined ? null : (
        <>
          <h3>
            Last log lines of {d.logs.pod}/{d.logs.container}
          </h3>
          <pre class="logs">{d.logs.lines === "" ? "(no output)" : d.logs.lines}</pre>
        </>
      )}
      {d.autoscaler === undefined ? null : (
        <>
          <h3>Autoscaler {d.autoscaler.name}</h3>
          <p>
            {d.autoscaler.current === undefined
              ? ""
              : `Replicas ${d.autoscaler.current} (wants ${d.autoscaler.desired ?? "?"}), `}
            between {d.autoscaler.min} and {d.autoscaler.max}
          </p>
          <ul>
            {d.autoscaler.metrics.map((m) => (
              <li key={m.name}>
                {m.name}: {m.current === undefined ? "" : `${m.current} now, `}target {m.target}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.disruptionBudget === undefined ? null : (
        <>
          <h3>Disruption budget {d.disruptionBudget.name}</h3>
          <p>
            {d.disruptionBudget.minAvailable === undefined
              ? `at most ${d.disruptionBudget.maxUnavailable ?? "?"} unavailable`
              : `at least ${d.disruptionBudget.minAvailable} available`}
            {d.disruptionBudget.allowed === undefined
              ? ""
              : `; ${d.disruptionBudget.allowed} disruption(s) allowed now, ${d.disruptionBudget.healthy ?? 0} healthy`}
          </p>
        </>
      )}
      <h3>Reads</h3>
      <p>
        Secrets: {d.reads.secrets.length === 0 ? "none" : d.reads.secrets.join(", ")}
        <br />
        ConfigMaps: {d.reads.configMaps.length === 0 ? "none" : d.reads.configMaps.join(", ")}
        <br />
        <span class="muted small">Names only: the page never shows a Secret's value.</span>
      </p>
      {d.events.length === 0 ? null : (
        <>
          <h3>Recent events</h3>
          <ul class="events">
            {d.events.map((e, i) => (
              <li key={i} class={e.type === "Warning" ? "warning" : ""}>
                <span class="muted small">{clock(e.time)}</span> {e.type === "Warning" ? "⚠ " : ""}
                {e.object}: {e.reason}: {e.message}
                {e.count > 1 ? ` (×${e.count})` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Objects</h3>
      <p class="small">{d.objects.join(", ")}</p>
    </section>
  );
}

/** An API timestamp as the local time of day (the date when it is not today). */
function clock(time: string): string {
  const t = new Date(time);
  if (Number.isNaN(t.getTime())) return time;
  return t.toDateString() === new Date().toDateString() ? t.toLocaleTimeString() : t.toLocaleString();
}
