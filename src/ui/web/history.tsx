import { useEffect, useState } from "preact/hooks";
import type { AppInfo, OperationStarted, RevisionDiff, RevisionInfo } from "../api-types.js";
import { get, message, post } from "./api.js";
import { Confirm } from "./confirm.js";
import { Choice, TableHead } from "./fields.js";

/** Revisions, the diff between any two, and a rollback to one after confirmation. */
export function HistoryPanel(props: {
  info: AppInfo;
  revisions: readonly RevisionInfo[];
  connected: boolean;
}) {
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const [diff, setDiff] = useState<RevisionDiff | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [rollbackTo, setRollbackTo] = useState<number | undefined>();
  const revisions = props.revisions;
  const latest = revisions.at(-1)?.revision;

  // By default: the newest revision against the one before it.
  useEffect(() => {
    if (revisions.length >= 2 && from === undefined && to === undefined) {
      setFrom(revisions.at(-2)?.revision);
      setTo(revisions.at(-1)?.revision);
    }
  }, [revisions.length]);

  if (!props.connected) return <p class="hint">No cluster: history lives in the cluster.</p>;
  if (revisions.length === 0) return <p class="hint">Not deployed yet.</p>;

  const showDiff = async (): Promise<void> => {
    if (from === undefined || to === undefined) return;
    setError(undefined);
    try {
      setDiff(await get<RevisionDiff>(`/api/history/diff?from=${from}&to=${to}`));
    } catch (e) {
      setError(message(e));
    }
  };
  const doRollback = async (): Promise<void> => {
    const target = rollbackTo;
    setRollbackTo(undefined);
    if (target === undefined) return;
    try {
      await post<OperationStarted>("/api/rollback", { revision: target, confirm: true });
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section aria-label="history" class="history">
      <table>
        <TableHead columns={["Revision", "Time", "Status", "What changed", ""]} hidden="Actions" />
        <tbody>
          {[...revisions].reverse().map((r) => (
            <tr key={r.revision} data-revision={r.revision}>
              <td>{r.revision}</td>
              <td class="small">{r.time.replace("T", " ").slice(0, 19)}</td>
              <td class={`status-${r.status}`}>{r.status}</td>
              <td class="small">{r.summary}</td>
              <td>
                {props.info.readOnly ||
                r.revision === latest ||
                (r.status !== "deployed" && r.status !== "superseded") ? null : (
                  <button
                    type="button"
                    onClick={() => {
                      setRollbackTo(r.revision);
                    }}
                    aria-label={`Roll back to revision ${r.revision}`}
                  >
                    Roll back…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="diff-controls">
        <Choice
          label="From"
          name="diff from revision"
          value={from === undefined ? undefined : String(from)}
          options={revisions.map((r) => String(r.revision))}
          onChange={(v) => {
            setFrom(Number(v));
          }}
        />{" "}
        <Choice
          label="to"
          name="diff to revision"
          value={to === undefined ? undefined : String(to)}
          options={revisions.map((r) => String(r.revision))}
          onChange={(v) => {
            setTo(Number(v));
          }}
        />{" "}
        <button type="button" onClick={() => void showDiff()}>
          Show diff
        </button>
      </div>
      {error === undefined ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {diff === undefined ? null : <DiffView diff={diff} />}
      {rollbackTo === undefined ? null : (
        <Confirm
          title={`Roll back to revision ${rollbackTo}?`}
          action={`Roll back to ${rollbackTo}`}
          danger
          onConfirm={() => void doRollback()}
          onCancel={() => {
            setRollbackTo(undefined);
          }}
        >
          <p>
            Re-apply the objects of revision {rollbackTo} to <strong>{props.info.namespace}</strong> as a new
            revision; objects it did not have are pruned.
          </p>
        </Confirm>
      )}
    </section>
  );
}

function DiffView(props: { diff: RevisionDiff }) {
  const d = props.diff;
  return (
    <div class="diff" data-testid="diff">
      <p>
        Revision {d.from} → {d.to}: {d.objects.length} object{d.objects.length === 1 ? "" : "s"} differ
      </p>
      {d.spec === "" ? null : (
        <details open>
          <summary>spec</summary>
          <Patch text={d.spec} />
        </details>
      )}
      {d.objects.map((o) => (
        <details key={o.object}>
          <summary>
            {o.change === "added" ? "+ " : o.change === "removed" ? "− " : "~ "}
            {o.object} ({o.change})
          </summary>
          <Patch text={o.diff} />
        </details>
      ))}
    </div>
  );
}

function Patch(props: { text: string }) {
  return (
    <pre class="patch">
      {props.text.split("\n").map((line, i) => (
        <span
          key={i}
          class={
            line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : ""
          }
        >
          {line}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}
