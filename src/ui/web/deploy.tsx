import { useState } from "preact/hooks";
import type { AppInfo, AppView, LiveEvents, OperationStarted, PlanAnswer, PlanEntry } from "../api-types.js";
import { TableHead } from "./fields.js";
import { message, post } from "./api.js";
import { Confirm } from "./confirm.js";

type OperationEvent = LiveEvents["operation"];

const ACTION_WORD: Readonly<Record<PlanEntry["action"], string>> = {
  create: "+ create",
  update: "~ update",
  replace: "± replace",
  unchanged: "= unchanged",
  prune: "− prune",
};

/** The plan (a server-side dry run), the confirmation, and the deploy's progress wave by wave. */
export function DeployPanel(props: {
  info: AppInfo;
  view: AppView | undefined;
  connected: boolean;
  operation: readonly OperationEvent[];
}) {
  const [plan, setPlan] = useState<PlanAnswer | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [asking, setAsking] = useState(false);
  const changes = plan?.entries.filter((e) => e.action !== "unchanged") ?? [];

  const review = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      setPlan(await post<PlanAnswer>("/api/plan", {}));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const confirmDeploy = async (): Promise<void> => {
    setAsking(false);
    if (plan === undefined) return;
    try {
      await post<OperationStarted>("/api/deploy", { planId: plan.planId, confirm: true });
      setPlan(undefined);
    } catch (e) {
      setError(message(e));
    }
  };

  const pending = props.view?.revisions.filter((r) => r.status === "pending") ?? [];
  return (
    <section aria-label="deploy" class="deploy">
      {!props.connected ? (
        <>
          <p class="hint">
            No cluster{props.info.clusterError === undefined ? "" : `: ${props.info.clusterError}`}. The
            rendered deploy, in its order:
          </p>
          <ol class="waves">
            {props.info.waves.map((w) => (
              <li key={w.name}>
                <strong>{w.name}</strong>: {w.objects.join(", ")}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <>
          {pending.map((r) => (
            <p key={r.revision} class="banner" role="status">
              Revision {r.revision} is being deployed{r.summary === "" ? "" : `: ${r.summary}`}
            </p>
          ))}
          <div class="buttons">
            <button type="button" onClick={() => void review()} disabled={busy}>
              {busy ? "Planning…" : "Review plan"}
            </button>
            {plan === undefined || props.info.readOnly ? null : (
              <button
                type="button"
                class="primary"
                disabled={changes.length === 0}
                onClick={() => {
                  setAsking(true);
                }}
              >
                Deploy…
              </button>
            )}
          </div>
          {props.info.readOnly ? <p class="muted small">Read-only: this page does not deploy.</p> : null}
          {error === undefined ? null : (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {plan === undefined ? null : <PlanTable plan={plan} />}
          {asking && plan !== undefined ? (
            <Confirm
              title="Deploy these changes?"
              action={`Deploy ${changes.length} change${changes.length === 1 ? "" : "s"}`}
              onConfirm={() => void confirmDeploy()}
              onCancel={() => {
                setAsking(false);
              }}
            >
              <p>
                Apply {changes.length} change{changes.length === 1 ? "" : "s"} to{" "}
                <strong>{props.info.namespace}</strong> on <strong>{plan.server}</strong>? If the plan has
                changed since you reviewed it, nothing is applied.
              </p>
            </Confirm>
          ) : null}
          <Progress events={props.operation} />
        </>
      )}
      <Activity view={props.view} />
    </section>
  );
}

function PlanTable(props: { plan: PlanAnswer }) {
  const counts = new Map<string, number>();
  for (const e of props.plan.entries) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  const changed = props.plan.entries.filter((e) => e.action !== "unchanged");
  if (changed.length === 0)
    return (
      <p data-testid="plan">
        Nothing to deploy: the cluster matches the spec ({props.plan.entries.length} objects unchanged on{" "}
        {props.plan.server}).
      </p>
    );
  return (
    <div data-testid="plan">
      <p>
        Plan against {props.plan.server}:{" "}
        {[...counts].map(([a, n]) => `${n} ${a}`).join(", ") || "nothing to do"}
      </p>
      <table>
        <TableHead columns={["Action", "Object", "Changes"]} />
        <tbody>
          {changed.map((e) => (
            <tr key={`${e.ref.kind}/${e.ref.name}`} class={`action-${e.action}`}>
              <td>{ACTION_WORD[e.action]}</td>
              <td>
                {e.ref.kind}/{e.ref.name}
              </td>
              <td class="small">
                {e.reason === undefined ? null : <div>{e.reason}</div>}
                {e.changes.slice(0, 6).map((c) => (
                  <div key={c}>{c}</div>
                ))}
                {e.changes.length > 6 ? <div class="muted">… {e.changes.length - 6} more</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The running (or last) operation from the page: the engine's events, wave by wave. */
function Progress(props: { events: readonly OperationEvent[] }) {
  if (props.events.length === 0) return null;
  const first = props.events[0];
  const end = props.events.find((e) => "end" in e);
  const waves: { name: string; index: number; total: number; lines: Map<string, string> }[] = [];
  let revision: number | undefined;
  for (const e of props.events) {
    if (!("event" in e)) continue;
    const ev = e.event;
    if (ev.type === "wave")
      waves.push({
        name: ev.name,
        index: ev.index,
        total: ev.total,
        lines: new Map(ev.objects.map((o) => [o, "waiting"])),
      });
    else if (ev.type === "applied") waves.at(-1)?.lines.set(ev.object, ev.action);
    else if (ev.type === "progress") {
      for (const w of waves)
        if (w.lines.has(ev.object)) w.lines.set(ev.object, `${ev.readiness.state}: ${ev.readiness.message}`);
    } else if (ev.type === "revision" || ev.type === "done") revision = ev.revision;
  }
  return (
    <div class="progress" data-testid="progress" aria-live="polite">
      <h3>
        {first?.kind === "rollback" ? "Rollback" : "Deploy"}
        {revision === undefined ? "" : ` of revision ${revision}`}:{" "}
        {end === undefined ? "running…" : "end" in end ? end.end : ""}
      </h3>
      {end !== undefined && "end" in end && end.error !== undefined ? (
        <p class="error" role="alert">
          {end.error}
          {end.hint === undefined ? "" : ` (${end.hint})`}
        </p>
      ) : null}
      <ol>
        {waves.map((w) => (
          <li key={`${w.index}-${w.name}`}>
            <strong>
              {w.index}/{w.total} {w.name}
            </strong>
            <ul>
              {[...w.lines].map(([o, s]) => (
                <li key={o} class="small">
                  {o}: {s}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** What the watches saw change, newest first: deploys from anywhere (the CLI, CI) show here. */
function Activity(props: { view: AppView | undefined }) {
  const lines = [...(props.view?.activity ?? [])].reverse().slice(0, 40);
  return (
    <div class="activity" data-testid="activity">
      <h3>Activity</h3>
      {lines.length === 0 ? (
        <p class="muted small">Nothing has changed since the page opened.</p>
      ) : (
        <ul>
          {lines.map((a, i) => (
            <li key={i} class="small">
              <span class="muted">{a.time.slice(11, 19)}</span> <strong>{a.subject}</strong> {a.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
