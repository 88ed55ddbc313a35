import { isOperated, type ResolvedBacking } from "../catalog/catalog.js";
import { databaseName } from "../catalog/helpers.js";
import { OPERATORS } from "../catalog/operators/index.js";
import { POSTGRES_SUPERUSER } from "../catalog/postgresql.js";
import type { AppModel } from "../model/app-model.js";
import type { OperatorType } from "../spec/schema.js";

/**
 * The runbook's section on changing a backing's mode (builtin, operator, external): a data
 * migration, which `kubeship deploy` refuses to do as an apply. The steps: stop the writers, copy
 * the data out with the engine's own tool, switch with `--migrate-backing`, copy it in, start the
 * writers. Written for the backings whose type has an operator mode; nothing here reads a secret.
 */
export function modeMigrationSection(
  model: AppModel,
  backings: ReadonlyMap<string, ResolvedBacking>,
  k: string,
  spec: string,
): string[] {
  const candidates = model.backings.filter((b) => b.type in OPERATORS);
  if (candidates.length === 0) return [];
  const env = model.environment === undefined ? "" : ` --env ${model.environment}`;
  const out: string[] = [
    "## Changing a backing's mode",
    "",
    "`mode` (builtin, operator, external) decides where a backing's data lives. Changing it is a data",
    "migration, not an apply: `kubeship deploy` refuses it until told which backing moves",
    "(`--migrate-backing NAME`), and then removes the old objects (a StatefulSet leaves its claims",
    "`data-<name>-N` behind until you delete them; an operator deletes its volumes with its resource).",
    "The steps: stop the writers, copy the data out, switch, copy it in, start the writers.",
    "",
  ];
  const sh = (...lines: string[]): void => {
    out.push("```sh", ...lines, "```", "");
  };
  for (const b of candidates) {
    const r = backings.get(b.name);
    const users = model.graph
      .dependentsOf(b.name, "uses")
      .filter((d) => model.workloads.some((w) => w.name === d));
    const type = b.type as OperatorType;
    const op = OPERATORS[type];
    const now = r !== undefined && isOperated(r) ? "operator" : b.mode;
    const to = now === "operator" ? "builtin" : "operator";
    out.push(`### ${b.name} (${b.type}, now mode ${now})`, "");
    out.push("1. Stop the writers:", "");
    sh(
      ...(users.length === 0
        ? ["# no workload of the app uses it"]
        : users.map((u) => `${k} scale deployment/${u} --replicas=0`)),
    );
    switch (type) {
      case "postgresql": {
        const db = databaseName(b);
        // CloudNativePG's instances are `<name>-1`... with container `postgres`; kubeship's pods
        // `<name>-0`... with container `postgresql`.
        const builtin = `${b.name}-0 -c ${b.type}`;
        const operated = `${b.name}-1 -c postgres`;
        const source = now === "operator" ? operated : builtin;
        const target = now === "operator" ? builtin : operated;
        out.push("2. Copy the data out (a custom-format dump of the app's database):", "");
        sh(`${k} exec ${source} -- pg_dump -U ${POSTGRES_SUPERUSER} -Fc ${db} > ${b.name}.dump`);
        out.push(
          `3. Set \`mode: ${to}\` for this environment in the spec, then switch (with \`--migrate-backing\` the workloads that use it keep the replicas they have: the stopped writers stay stopped):`,
          "",
        );
        sh(`kubeship deploy ${spec}${env} --migrate-backing ${b.name}`);
        out.push("4. Copy the data in (the owner is the app's user in both modes):", "");
        sh(
          `${k} exec -i ${target} -- pg_restore -U ${POSTGRES_SUPERUSER} -d ${db} --no-owner --role=app --exit-on-error < ${b.name}.dump`,
        );
        out.push(
          `For a large database, ${op.facts.name} can import from the old one while it runs (its \`bootstrap.initdb.import\`), and a managed service has its own import tools; the dump above works for every mode.`,
          "",
        );
        break;
      }
      case "kafka":
        out.push(
          "2. Let the consumers catch up (lag 0 on every group), then switch; the topics are made again in the new mode, the messages already consumed are not carried over. To keep them, mirror the topics with MirrorMaker 2 from the old cluster to the new one before switching the clients.",
          "",
        );
        sh(`kubeship deploy ${spec}${env} --migrate-backing ${b.name}`);
        break;
      case "elasticsearch":
        out.push(
          "2. Take a snapshot to a repository both clusters reach (or reindex from remote after the switch), switch, then restore it:",
          "",
        );
        sh(
          `# old cluster: PUT _snapshot/<repo>/<snapshot>?wait_for_completion=true`,
          `kubeship deploy ${spec}${env} --migrate-backing ${b.name}`,
          `# new cluster: POST _snapshot/<repo>/<snapshot>/_restore`,
        );
        break;
      case "rabbitmq":
        out.push(
          "2. Drain the queues (the consumers run until every queue is empty), export the definitions, switch, import them:",
          "",
        );
        sh(
          `${k} exec ${now === "operator" ? `${b.name}-server-0 -c rabbitmq` : `${b.name}-0 -c ${b.type}`} -- rabbitmqctl export_definitions /tmp/definitions.json`,
          `kubeship deploy ${spec}${env} --migrate-backing ${b.name}`,
          `# then rabbitmqctl import_definitions in the new one (copy the file with kubectl cp)`,
        );
        break;
    }
    out.push("Then start the writers again (an autoscaler does not scale up from 0 by itself):", "");
    sh(
      ...(users.length === 0
        ? ["# no workload of the app uses it"]
        : users.map((u) => {
            const w = model.workloads.find((x) => x.name === u);
            return `${k} scale deployment/${u} --replicas=${w?.autoscale?.min ?? w?.replicas ?? 1}`;
          })),
    );
    out.push(
      `Going to ${to === "operator" ? op.facts.name : "kubeship's StatefulSet"} needs ${to === "operator" ? `the operator installed (${op.facts.install})` : "nothing installed"}; \`kubeship doctor\` checks it before you start.`,
      "",
    );
  }
  return out;
}
