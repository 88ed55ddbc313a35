// The local test control plane: real kube-apiserver, kube-controller-manager, kube-scheduler and
// etcd (built from Go modules by build.sh), run as plain processes by kwokctl's binary runtime, with
// kwok faking the nodes' kubelets. Everything listens on 127.0.0.1 only; nothing is downloaded.
//
//   npm run test-cluster -- up           build if needed, start (or reuse), wait until ready
//   npm run -s test-cluster -- kubeconfig   print the kubeconfig path
//   npm run test-cluster -- status       say whether it is up
//   npm run test-cluster -- down         stop it and leave no process behind
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const versions = Object.fromEntries(
  readFileSync(join(here, "versions.env"), "utf8")
    .split("\n")
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => l.split("=", 2)),
);
const cache = process.env.KUBESHIP_CLUSTER_CACHE ?? join(homedir(), ".cache/kubeship/test-cluster");
const bin = join(
  cache,
  `k8s-v${versions.K8S_VERSION}-etcd-v${versions.ETCD_VERSION}-kwok-v${versions.KWOK_VERSION}`,
  "bin",
);
const workdir = join(cache, "run");
const name = process.env.KUBESHIP_CLUSTER_NAME ?? "kubeship";
const kubeconfig = join(workdir, `${name}.kubeconfig`);
/** Fake nodes the scheduler places pods on. */
export const NODES = 2;
/**
 * PersistentVolumes kept available for claims of the default StorageClass. A full run of the suite
 * releases over a hundred (destroy --delete-data, deleted namespaces), and Released volumes are
 * recycled only at the next `up`: with 120 the last tests to deploy a data tier could find none
 * left and time out on Pending claims (seen in runs against a long-lived cluster).
 */
export const PV_POOL = 400;
export const STORAGE_CLASS = "standard";
/** ReadWriteMany PersistentVolumes of the same class. */
export const RWX_POOL = 24;

const log = (msg) =>
  process.stderr.write(`[test-cluster ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const env = { ...process.env, KWOK_WORKDIR: workdir };
const kwokctl = (...args) => spawnSync(join(bin, "kwokctl"), args, { env, encoding: "utf8" });
const kubectl = (args, input) =>
  execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], {
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 1 << 26,
  });

/** True when the API server answers /readyz. */
export function isUp() {
  if (!existsSync(kubeconfig)) return false;
  try {
    return kubectl(["get", "--raw", "/readyz", "--request-timeout=3s"]).trim() === "ok";
  } catch {
    return false;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitFor(what, check, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    sleep(500);
  }
}

function build() {
  const r = spawnSync("bash", [join(here, "build.sh")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("building the control plane failed (see above)");
}

/** Starts the cluster (building first if needed) and returns the kubeconfig path. */
export function up() {
  build();
  mkdirSync(workdir, { recursive: true });
  const started = Date.now();
  if (isUp()) log(`cluster ${name} is already up`);
  else {
    if (existsSync(join(workdir, "clusters", name))) kwokctl("delete", "cluster", "--name", name);
    const conf = join(workdir, "kwokctl.yaml");
    // bindAddress: every component listens on loopback only (kwokctl's default is 0.0.0.0).
    // nodeLeaseDurationSeconds: kwok, which plays the nodes' kubelets, holds a Lease per node for
    // 40 s x heartbeatFactor 5 by default; after `restart` the new kwok waits for the old one's
    // leases to expire before it moves pods again, which would stall every rollout for 200 s. 4 s
    // (20 s with the factor) keeps a restart close to a real one, where the kubelets stay up.
    writeFileSync(
      conf,
      "apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  bindAddress: 127.0.0.1\n  nodeLeaseDurationSeconds: 4\n",
    );
    log(`starting cluster ${name} (Kubernetes v${versions.K8S_VERSION}, etcd v${versions.ETCD_VERSION})`);
    const r = kwokctl(
      "create",
      "cluster",
      "--name",
      name,
      "--config",
      conf,
      "--runtime",
      "binary",
      "--kube-apiserver-binary",
      join(bin, "kube-apiserver"),
      "--kube-controller-manager-binary",
      join(bin, "kube-controller-manager"),
      "--kube-scheduler-binary",
      join(bin, "kube-scheduler"),
      "--etcd-binary",
      join(bin, "etcd"),
      "--kwok-controller-binary",
      join(bin, "kwok"),
      "--kubeconfig",
      kubeconfig,
      "--timeout",
      "180s",
    );
    if (r.status !== 0) throw new Error(`kwokctl create cluster failed:\n${r.error?.message ?? r.stderr}`);
  }
  waitFor("the API server", isUp, 120);
  bootstrap();
  waitFor("the nodes to be Ready", () => readyNodes() >= NODES, 120);
  waitFor(
    "the default ServiceAccount",
    () => {
      try {
        kubectl(["get", "serviceaccount", "default", "-n", "default"]);
        return true;
      } catch {
        return false;
      }
    },
    120,
  );
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s; KUBECONFIG=${kubeconfig}`);
  return kubeconfig;
}

function readyNodes() {
  try {
    const nodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"])).items;
    return nodes.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .length;
  } catch {
    return 0;
  }
}

function bootstrap() {
  const docs = [];
  for (let i = 0; i < NODES; i++) {
    const node = `kwok-node-${i}`;
    docs.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: node,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          "kubernetes.io/hostname": node,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "topology.kubernetes.io/zone": `zone-${String.fromCharCode(97 + i)}`,
          type: "kwok",
        },
      },
      status: {
        allocatable: { cpu: "32", memory: "128Gi", pods: "1000", "ephemeral-storage": "500Gi" },
        capacity: { cpu: "32", memory: "128Gi", pods: "1000", "ephemeral-storage": "500Gi" },
        nodeInfo: { architecture: "amd64", operatingSystem: "linux", kubeletVersion: "fake" },
      },
    });
  }
  // kwok provisions no volumes: a default StorageClass and a static pool of PersistentVolumes that
  // the real PV controller binds claims to. Released volumes are recycled on every `up`.
  docs.push({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubernetes.io/no-provisioner",
    reclaimPolicy: "Retain",
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
  });
  kubectl(["apply", "-f", "-"], docs.map((d) => JSON.stringify(d)).join("\n"));
  const pvs = JSON.parse(kubectl(["get", "pv", "-o", "json"])).items;
  const stale = pvs
    .filter((p) => p.status?.phase === "Released" || p.status?.phase === "Failed")
    .map((p) => p.metadata.name);
  if (stale.length > 0) kubectl(["delete", "pv", "--wait=false", ...stale]);
  const existing = new Set(pvs.map((p) => p.metadata.name));
  const fresh = [];
  // A pool of volumes per access mode: names never reused (a stale one is still being deleted), the
  // pool topped up to its size.
  const addPool = (prefix, size, source) => {
    const mine = (n) => n.startsWith(prefix) && (prefix !== "pool-" || !n.startsWith("pool-rwx-"));
    const kept = [...existing].filter(mine).length - stale.filter(mine).length;
    let made = 0;
    for (let i = 0; made + kept < size && i < size * 10; i++) {
      const pv = `${prefix}${String(i).padStart(4, "0")}`;
      if (existing.has(pv)) continue;
      made++;
      fresh.push({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: pv, labels: { "kubeship.io/test-pool": "true" } },
        spec: {
          capacity: { storage: "100Gi" },
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: STORAGE_CLASS,
          ...source(pv),
        },
      });
    }
  };
  addPool("pool-", PV_POOL, (pv) => ({
    accessModes: ["ReadWriteOnce"],
    hostPath: { path: `/var/lib/kubeship-test/${pv}` },
  }));
  // ReadWriteMany volumes (an NFS export's shape; nothing mounts it here) for volumes that pods on
  // several nodes share.
  addPool("pool-rwx-", RWX_POOL, (pv) => ({
    accessModes: ["ReadWriteMany"],
    nfs: { server: "nfs.test.invalid", path: `/exports/${pv}` },
  }));
  if (fresh.length > 0) {
    kubectl(["apply", "-f", "-"], fresh.map((d) => JSON.stringify(d)).join("\n"));
    // Until the PV controller has seen them, new volumes are Pending and bind nothing.
    waitFor(
      "the volume pool",
      () =>
        JSON.parse(kubectl(["get", "pv", "-o", "json"])).items.every((p) => p.status?.phase !== "Pending"),
      60,
    );
  }
}

/** Whether something listens on 127.0.0.1:`port` (from /proc/net/tcp: state 0A is LISTEN). */
function listening(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .some((line) => {
      const f = line.trim().split(/\s+/);
      return f[1]?.endsWith(hex) === true && f[3] === "0A";
    });
}

/** The API server's port, from the kubeconfig. */
function apiPort() {
  const m = /server:\s*https?:\/\/[^:\s]+:(\d+)/.exec(readFileSync(kubeconfig, "utf8"));
  return m === null ? undefined : Number(m[1]);
}

/**
 * Stops every component and starts them again (etcd keeps its data): an API server restart. The
 * old API server can hold its port for a moment after `kwokctl stop` returns; the new one would
 * then fail to bind and never come up, so the start waits for the port, and is tried once more.
 */
export function restart() {
  const stop = kwokctl("stop", "cluster", "--name", name);
  if (stop.status !== 0) throw new Error(`kwokctl stop cluster failed:\n${stop.stderr}`);
  const port = apiPort();
  if (port !== undefined) waitFor(`port ${port} to be free`, () => !listening(port), 60);
  for (let attempt = 1; ; attempt++) {
    const start = kwokctl("start", "cluster", "--name", name);
    if (start.status !== 0) throw new Error(`kwokctl start cluster failed:\n${start.stderr}`);
    try {
      waitFor("the API server after the restart", isUp, attempt === 1 ? 60 : 120);
      return;
    } catch (e) {
      if (attempt === 2) throw e;
      kwokctl("stop", "cluster", "--name", name);
      if (port !== undefined) waitFor(`port ${port} to be free`, () => !listening(port), 60);
    }
  }
}

/** Stops the cluster and checks that no process of it is left. */
export function down() {
  const dir = join(workdir, "clusters", name);
  if (!existsSync(dir)) {
    log(`cluster ${name} is not there`);
    return;
  }
  const pids = pidsOf(dir);
  const r = kwokctl("delete", "cluster", "--name", name);
  if (r.status !== 0) throw new Error(`kwokctl delete cluster failed:\n${r.stderr}`);
  waitFor("the cluster's processes to exit", () => pids.every((p) => !alive(p)), 30);
  log(`cluster ${name} is down`);
}

function pidsOf(dir) {
  const pidDir = join(dir, "pids");
  if (!existsSync(pidDir)) return [];
  return readdirSync(pidDir)
    .map((f) => Number(readFileSync(join(pidDir, f), "utf8").trim()))
    .filter((p) => p > 0);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? "status";
  try {
    if (cmd === "build") build();
    else if (cmd === "up") up();
    else if (cmd === "down") down();
    else if (cmd === "kubeconfig") {
      if (!isUp()) throw new Error(`cluster ${name} is not up: run \`npm run test-cluster -- up\``);
      process.stdout.write(`${kubeconfig}\n`);
    } else if (cmd === "status") process.stdout.write(isUp() ? `up: KUBECONFIG=${kubeconfig}\n` : "down\n");
    else throw new Error(`unknown command '${cmd}': use build, up, down, kubeconfig or status`);
  } catch (e) {
    process.stderr.write(`test-cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
