import { useEffect, useState } from "preact/hooks";
import type { AppInfo, CostReport } from "../api-types.js";
import { get, message } from "./api.js";
import { Choice, TableHead } from "./fields.js";

const money = (n: number, currency: string): string =>
  `${currency === "USD" ? "$" : `${currency} `}${n.toFixed(2)}`;
const range = (a: number, b: number, f: (n: number) => string): string =>
  a === b ? f(a) : `${f(a)} – ${f(b)}`;
const num = (n: number): string => String(Math.round(n * 1000) / 1000);

/** Requests × replicas × prices, per workload and backing, for any environment of the spec. */
export function CostPanel(props: { info: AppInfo }) {
  const [env, setEnv] = useState(props.info.env ?? "");
  const [report, setReport] = useState<CostReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    get<CostReport>(`/api/cost?env=${encodeURIComponent(env)}`).then(
      (r) => {
        setReport(r);
        setError(undefined);
      },
      (e: unknown) => {
        setError(message(e));
      },
    );
  }, [env]);
  const c = report?.prices.currency ?? "USD";
  return (
    <section aria-label="cost" class="cost">
      <Choice
        label="Environment"
        value={env}
        options={[{ value: "", text: "(base spec)" }, ...props.info.envs]}
        onChange={setEnv}
      />
      {error === undefined ? null : <p class="error">{error}</p>}
      {report === undefined ? null : (
        <>
          <table data-testid="cost">
            <TableHead columns={["Name", "Pods", "CPU", "Memory", "Volumes", "Per month"]} />
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.node}>
                  <th scope="row" title={r.nodeKind}>
                    {r.node}
                  </th>
                  <td>{r.runs === "per-run" ? "per run" : range(r.podsMin, r.podsMax, String)}</td>
                  <td>{range(r.cpuMin, r.cpuMax, num)}</td>
                  <td>{range(r.memoryGiBMin, r.memoryGiBMax, num)} GiB</td>
                  <td>{r.storageGiB === 0 ? "—" : `${num(r.storageGiB)} GiB`}</td>
                  <td class="number">
                    {r.runs === "per-run"
                      ? `${c === "USD" ? "$" : `${c} `}${r.min.toFixed(4)}/h running`
                      : range(r.min, r.max, (n) => money(n, c))}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  Total per month (autoscalers at min – max)
                </th>
                <td class="number" data-testid="cost-total">
                  {range(report.totalMin, report.totalMax, (n) => money(n, c))}
                </td>
              </tr>
            </tfoot>
          </table>
          <p class="muted small">
            Prices: {report.prices.cpuHour} {c}/CPU-hour, {report.prices.memoryGiBHour} {c}/GiB-hour,{" "}
            {report.prices.storageGiBMonth} {c}/GiB-month of volume ({report.prices.source}). Requests are
            what the scheduler reserves; `kubeship cost --prices FILE` uses your own.
          </p>
        </>
      )}
    </section>
  );
}
