import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { AppInfo, LiveEvents, NodeHealth } from "../api-types.js";
import { get, message } from "./api.js";
import { CostPanel } from "./cost.js";
import { DeployPanel } from "./deploy.js";
import { Details } from "./details.js";
import { Graph } from "./graph.js";
import { HistoryPanel } from "./history.js";
import { SimulatePanel } from "./simulate.js";
import { STATE_LABEL } from "./states.js";
import "./style.css";

const TABS = ["details", "deploy", "history", "cost", "simulate"] as const;
type Tab = (typeof TABS)[number];

function App() {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [view, setView] = useState<LiveEvents["view"] | undefined>();
  const [operation, setOperation] = useState<LiveEvents["operation"][]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [tab, setTab] = useState<Tab>("details");
  const [live, setLive] = useState(false);

  const load = useCallback(() => {
    get<AppInfo>("/api/app").then(
      (i) => {
        setInfo(i);
        setError(undefined);
      },
      (e: unknown) => {
        setError(message(e));
      },
    );
  }, []);

  useEffect(() => {
    load();
    const events = new EventSource("/api/events");
    events.onopen = () => {
      setLive(true);
    };
    events.onerror = () => {
      setLive(false);
    };
    events.addEventListener("view", (e) => {
      setView(JSON.parse((e as MessageEvent<string>).data) as LiveEvents["view"]);
    });
    events.addEventListener("operation", (e) => {
      const ev = JSON.parse((e as MessageEvent<string>).data) as LiveEvents["operation"];
      setOperation((list) =>
        list[0] !== undefined && list[0].operation !== ev.operation ? [ev] : [...list, ev],
      );
      if (opensOperation(ev)) setTab("deploy");
    });
    events.addEventListener("spec", load);
    return () => {
      events.close();
    };
  }, [load]);

  if (error !== undefined && info === undefined)
    return (
      <main class="fatal">
        <h1>kubeship</h1>
        <p class="error">{error}</p>
      </main>
    );
  if (info === undefined) return <p class="hint">Loading…</p>;
  const health: readonly NodeHealth[] = view?.health ?? [];
  const connected = view?.connected ?? info.server !== undefined;
  const selectedHealth = health.find((h) => h.node === selected);
  const select = (node: string): void => {
    setSelected(node);
    setTab("details");
  };
  const counts = new Map<string, number>();
  for (const h of health) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
  return (
    <>
      <header>
        <h1>
          kubeship <span class="app">{info.app}</span>
        </h1>
        <span class="meta">
          namespace <strong>{info.namespace}</strong>
          {info.env === undefined ? "" : " · env "}
          {info.env === undefined ? null : <strong>{info.env}</strong>}
        </span>
        <span class={`cluster ${connected ? "ok" : "off"}`} role="status" data-testid="cluster">
          {connected
            ? `● ${info.server ?? "cluster"}`
            : `○ no cluster${info.clusterError === undefined ? "" : `: ${info.clusterError}`}`}
          {connected && !live ? " (reconnecting…)" : ""}
        </span>
        {info.readOnly ? <span class="tag">read-only</span> : null}
        {view?.deploying === undefined ? null : (
          <span class="tag deploying" role="status" data-testid="deploying">
            ↻ deploy by {view.deploying.holder}
            {view.deploying.progress === "" ? "" : `: wave ${view.deploying.progress}`}
          </span>
        )}
      </header>
      {info.problems === undefined ? null : (
        <pre class="error banner" role="alert">
          The spec does not render now (showing the last good one):{"\n"}
          {info.problems}
        </pre>
      )}
      <main>
        <div class="left">
          <Graph svg={info.svg} health={health} selected={selected} onSelect={select} />
          <div class="legend" aria-label="states">
            {(["ready", "progressing", "failed", "missing", "external", "unknown"] as const).map((s) => (
              <span key={s} class={`chip state-${s}`}>
                {STATE_LABEL[s].symbol} {STATE_LABEL[s].word}
                {counts.has(s) ? ` ${counts.get(s) ?? 0}` : ""}
              </span>
            ))}
          </div>
          <table class="nodes" aria-label="nodes and their states" data-testid="nodes">
            <tbody>
              {health.map((h) => (
                <tr
                  key={h.node}
                  data-node={h.node}
                  data-state={h.state}
                  class={h.node === selected ? "selected" : ""}
                >
                  <th scope="row">
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        select(h.node);
                      }}
                    >
                      {h.node}
                    </button>
                  </th>
                  <td class={`state-${h.state}`}>
                    {STATE_LABEL[h.state].symbol} {STATE_LABEL[h.state].word}
                  </td>
                  <td class="small">{h.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <aside class="right">
          <div role="tablist" aria-label="views">
            {TABS.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`panel-${t}`}
                tabIndex={tab === t ? 0 : -1}
                onClick={() => {
                  setTab(t);
                }}
                onKeyDown={(e) => {
                  // The tabs pattern: arrows move between tabs, Tab moves into the panel.
                  const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
                  if (step === 0) return;
                  const next = TABS[(TABS.indexOf(t) + step + TABS.length) % TABS.length] ?? t;
                  setTab(next);
                  document.getElementById(`tab-${next}`)?.focus();
                }}
              >
                {t[0]?.toUpperCase()}
                {t.slice(1)}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel" tabIndex={0}>
            {tab === "details" ? <Details node={selected} health={selectedHealth} /> : null}
            {tab === "deploy" ? (
              <DeployPanel info={info} view={view} connected={connected} operation={operation} />
            ) : null}
            {tab === "history" ? (
              <HistoryPanel info={info} revisions={view?.revisions ?? []} connected={connected} />
            ) : null}
            {tab === "cost" ? <CostPanel info={info} /> : null}
            {tab === "simulate" ? <SimulatePanel info={info} /> : null}
          </div>
        </aside>
      </main>
    </>
  );
}

/**
 * Whether an operation event is the first of its operation (the page then shows its progress): a
 * deploy's engine first says it connected, a rollback that it rolls back.
 */
function opensOperation(e: LiveEvents["operation"]): boolean {
  return "event" in e && (e.event.type === "connected" || e.event.type === "rollback");
}

const root = document.getElementById("app");
if (root !== null) render(<App />, root);
