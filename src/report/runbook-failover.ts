import type { BackingRuntime } from "../catalog/types.js";
import { headlessName } from "../catalog/helpers.js";
import { FAILOVER, POSTGRES_SUPERUSER } from "../catalog/postgresql.js";
import type { AppModel } from "../model/app-model.js";
import { backingContainerName } from "../render/stateful-set.js";

/**
 * The runbook's section on replicated backing services: how to see the replication, and what to do
 * when a member's node is lost. PostgreSQL has no automatic failover in kubeship's own mode, so its
 * manual promotion is written out as commands; the others fail over by themselves and the commands
 * check that they did. Markdown lines; nothing here reads a secret value.
 */
export function failoverSection(model: AppModel, backings: readonly BackingRuntime[], k: string): string[] {
  const replicated = backings.filter((b) => b.replicas + b.members.reduce((n, m) => n + m.replicas, 0) > 1);
  if (replicated.length === 0) return [];
  const out: string[] = ["## Replication and failover", ""];
  const sh = (...lines: string[]): void => {
    out.push("```sh", ...lines, "```", "");
  };
  for (const b of replicated) {
    const exec = (pod: string, set: BackingRuntime = b): string =>
      `${k} exec ${pod} -c ${backingContainerName(set)} --`;
    out.push(
      `### ${b.name} (${b.type}, ${b.replicas + b.members.reduce((n, m) => n + m.replicas, 0)} pods)`,
      "",
    );
    switch (b.type) {
      case "postgresql": {
        const read = b.members[0];
        if (read === undefined) break;
        const replica = `${read.name}-0`;
        const inPod = (pod: string, set: BackingRuntime, command: string): string =>
          `${exec(pod, set)} sh -c ${doubleQuoted(command)}`;
        const psql = (pod: string, set: BackingRuntime, sql: string): string =>
          inPod(pod, set, `psql -X -h /var/run/postgresql -U ${POSTGRES_SUPERUSER} -d postgres -c "${sql}"`);
        out.push(
          `The primary is \`${b.name}-0\` (Service \`${b.name}\`); the replicas are \`${read.name}-0\` to \`${read.name}-${read.replicas - 1}\` (Service \`${read.name}\`). Replication as the primary sees it, and the lag of a replica:`,
          "",
        );
        sh(
          psql(
            `${b.name}-0`,
            b,
            "select application_name, state, sync_state, replay_lag from pg_stat_replication",
          ),
          psql(replica, read, "select now() - pg_last_xact_replay_timestamp() as lag"),
        );
        out.push(
          "**There is no automatic failover.** When the primary's node is lost for longer than you can wait, promote the replica that received the most WAL, send clients to it and let the other replicas follow it:",
          "",
        );
        sh(
          `${k} get pods -l kubeship.io/backing=${b.name} -o wide        # is ${b.name}-0 really gone?`,
          ...Array.from({ length: read.replicas }, (_, i) =>
            inPod(`${read.name}-${i}`, read, FAILOVER.receivedLsn),
          ),
          `# the highest LSN wins; say it is ${replica}:`,
          inPod(replica, read, FAILOVER.promote),
          `${k} patch service ${b.name} --type json -p '[{"op":"replace","path":"/spec/selector","value":{"statefulset.kubernetes.io/pod-name":"${replica}"}}]'`,
          ...Array.from({ length: read.replicas - 1 }, (_, i) => {
            const other = `${read.name}-${i + 1}`;
            return inPod(
              other,
              read,
              FAILOVER.follow(`${replica}.${headlessName(read.name)}.${model.namespace}.svc`, 5432, other),
            );
          }),
        );
        out.push(
          `Keep \`${b.name}-0\` from coming back as a second primary: \`${k} scale statefulset ${b.name} --replicas=0\`. The next \`kubeship deploy\` points Service \`${b.name}\` at \`${b.name}-0\` again, so before it, in a maintenance window: stop the writers, dump the promoted replica (\`pg_dump\`), delete the claim \`data-${b.name}-0\`, scale \`${b.name}\` back to 1, restore the dump into it, and delete the replicas' claims and pods so that they copy the new primary. For automatic failover and rebuilds, run PostgreSQL with an operator.`,
          "",
        );
        break;
      }
      case "redis": {
        const sentinel = b.members[0];
        if (sentinel === undefined) break;
        out.push(
          `Three Sentinels (\`${sentinel.name}\`) promote a replica when the master fails, within about a minute; clients that ask the Sentinels (the \`_SENTINEL_HOSTS\` export) follow. Which pod is master now, and its replicas:`,
          "",
        );
        sh(
          `${exec(`${sentinel.name}-0`, sentinel)} sh -c 'REDISCLI_AUTH="$SENTINEL_PASSWORD" redis-cli -p 26379 sentinel get-master-addr-by-name ${b.name}'`,
          `${exec(`${b.name}-0`)} sh -c 'redis-cli info replication'`,
        );
        out.push(
          "To move the master on purpose (before draining its node), ask a Sentinel for a failover:",
          "",
        );
        sh(
          `${exec(`${sentinel.name}-0`, sentinel)} sh -c 'REDISCLI_AUTH="$SENTINEL_PASSWORD" redis-cli -p 26379 sentinel failover ${b.name}'`,
        );
        break;
      }
      case "mongodb":
        out.push(
          `The replica set \`${b.name}\` elects a new primary by itself; drivers follow it through \`replicaSet=\` in the URL. Members and their state:`,
          "",
        );
        sh(
          `${exec(`${b.name}-0`)} sh -c 'mongosh --quiet -u root -p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --eval "rs.status().members.map(m => [m.name, m.stateStr, m.optimeDate])"'`,
          `# before draining the primary's node, hand the primary over:`,
          `${exec(`${b.name}-0`)} sh -c 'mongosh --quiet -u root -p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --eval "rs.stepDown()"'`,
        );
        break;
      case "rabbitmq":
        out.push("Every node serves clients; quorum queues keep working while a majority of nodes runs.", "");
        sh(
          `${exec(`${b.name}-0`)} rabbitmq-diagnostics cluster_status`,
          `${exec(`${b.name}-0`)} rabbitmq-queues check_if_node_is_quorum_critical   # safe to stop this node?`,
        );
        break;
      case "minio":
        out.push(
          `Erasure coding keeps reads and writes going with a pod down. Whether the store has its write quorum, through Service \`${b.name}\`:`,
          "",
        );
        sh(
          `${k} port-forward svc/${b.name} 9000:9000 &`,
          "curl -s -o /dev/null -w '%{http_code}\\n' http://localhost:9000/minio/health/cluster   # 200: every erasure set has its write quorum",
        );
        break;
      case "cassandra":
      case "elasticsearch":
      case "external":
      case "kafka":
      case "mysql":
      case "nats":
      case "tarantool":
      case "zookeeper":
        out.push(
          `The members of \`${b.name}\` replicate among themselves; the disruption budget lets a drain take one at a time.`,
          "",
        );
        sh(`${k} get pods -l kubeship.io/backing=${b.name} -o wide`);
    }
  }
  return out;
}

/** A command as one double-quoted word of the reader's shell: `$VAR` expands in the pod, not here. */
function doubleQuoted(command: string): string {
  return `"${command.replace(/[\\"$`]/g, "\\$&")}"`;
}
