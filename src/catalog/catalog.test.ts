import { describe, expect, it } from "vitest";
import { loadApp } from "../app.js";
import type { AppModel } from "../model/app-model.js";
import { BACKING_TYPES } from "../spec/schema.js";
import { checkBackings, isBuiltin, isExternal, matchVersion, PRESETS, resolveBackings } from "./catalog.js";
import { clusterId } from "./kafka.js";

function app(text: string): AppModel {
  const r = loadApp(text);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

const WITH_CREDENTIALS = new Set([
  "postgresql",
  "mysql",
  "mongodb",
  "redis",
  "elasticsearch",
  "minio",
  "tarantool",
  "rabbitmq",
]);
const DATABASES = new Set(["postgresql", "mysql", "mongodb"]);

describe("catalog", () => {
  it("has a preset for every backing type of the spec", () => {
    expect(Object.keys(PRESETS).sort()).toEqual(BACKING_TYPES.filter((t) => t !== "external").sort());
  });

  it("pins every image to a version tag, never latest", () => {
    for (const preset of Object.values(PRESETS)) {
      expect(Object.keys(preset.versions)).toContain(preset.defaultVersion);
      for (const image of Object.values(preset.versions)) expect(image).toMatch(/:[A-Za-z0-9][\w.-]*$/);
      for (const image of Object.values(preset.versions)) expect(image).not.toMatch(/:latest$/);
    }
  });

  it("exports what the contract says for every type", () => {
    const types = Object.keys(PRESETS);
    const spec = `app: c\nbacking:\n${types.map((t) => `  my-${t}: { type: ${t} }`).join("\n")}\n`;
    const backings = resolveBackings(app(spec));
    for (const t of types) {
      const b = backings.get(`my-${t}`);
      const prefix = `MY_${t.toUpperCase()}`;
      const names = (b?.exports ?? []).map((e) => e.name);
      expect(names, t).toEqual(expect.arrayContaining([`${prefix}_HOST`, `${prefix}_PORT`, `${prefix}_URL`]));
      // The URL refers to earlier variables, so it must come after them (a replicas' URL after it).
      expect(names.filter((n) => !n.startsWith(`${prefix}_READ_`)).at(-1), t).toBe(`${prefix}_URL`);
      if (WITH_CREDENTIALS.has(t)) {
        expect(names, t).toEqual(expect.arrayContaining([`${prefix}_USER`, `${prefix}_PASSWORD`]));
        const password = b?.exports.find((e) => e.name === `${prefix}_PASSWORD`);
        expect(password && "secret" in password, `${t} password comes from a Secret`).toBe(true);
      }
      if (DATABASES.has(t)) expect(names, t).toContain(`${prefix}_DATABASE`);
    }
  });

  it("builds connection URLs in each type's scheme, with credentials from the env", () => {
    const backings = resolveBackings(
      app(
        "app: c\nbacking:\n  orders-db: { type: postgresql, database: orders }\n  cache: { type: redis }\n",
      ),
    );
    const url = (name: string, v: string) => backings.get(name)?.exports.find((e) => e.name === v);
    expect(url("orders-db", "ORDERS_DB_URL")).toEqual({
      name: "ORDERS_DB_URL",
      value: "postgresql://$(ORDERS_DB_USER):$(ORDERS_DB_PASSWORD)@orders-db.c.svc:5432/orders",
    });
    expect(url("cache", "CACHE_URL")).toEqual({
      name: "CACHE_URL",
      value: "redis://$(CACHE_USER):$(CACHE_PASSWORD)@cache.c.svc:6379/0",
    });
  });

  it("exports an external service's URL and its operator-supplied secrets", () => {
    const backings = resolveBackings(
      app(
        'app: c\nbacking:\n  llm: { type: external, url: "https://api.example.com:8443/v1", secrets: [API_KEY] }\n',
      ),
    );
    const llm = backings.get("llm");
    if (llm === undefined || !isExternal(llm)) throw new Error("not external");
    expect(llm.port).toBe(8443);
    expect(llm.secrets).toEqual([{ name: "llm-credentials", keys: ["API_KEY"], source: "external" }]);
    // The secrets before the URL, so that a $(API_KEY) in the URL expands.
    expect(llm.exports.map((e) => e.name)).toEqual(["LLM_HOST", "LLM_PORT", "API_KEY", "LLM_URL"]);
  });

  it("matches versions exactly or by a unique prefix", () => {
    expect(matchVersion(PRESETS.mongodb, "7")).toBe("7.0");
    expect(matchVersion(PRESETS.postgresql, "15")).toBe("15");
    expect(matchVersion(PRESETS.postgresql, "13")).toBeUndefined();
    expect(matchVersion(PRESETS.postgresql, undefined)).toBe(PRESETS.postgresql.defaultVersion);
  });

  it("reports an unknown version with what is available", () => {
    const d = checkBackings(app("app: c\nbacking:\n  db: { type: postgresql, version: '13' }\n").backings);
    expect(d).toHaveLength(1);
    expect(d[0]?.message).toBe("postgresql version '13' is not in the catalog; did you mean '14'?");
    expect(d[0]?.hint).toBe("available: 14, 15, 16, 17 (default 16)");
  });

  it("refuses replicas a preset cannot run", () => {
    const d = checkBackings(
      app(
        "app: c\nbacking:\n  db: { type: mysql, replicas: 2 }\n  zk: { type: zookeeper, replicas: 3 }\n  pg: { type: postgresql, replicas: 3 }\n",
      ).backings,
    );
    expect(d.map((x) => x.message)).toEqual(["the mysql preset runs a single instance"]);
  });

  it("runs Kafka in KRaft mode by default and in ZooKeeper mode when it uses one", () => {
    const backings = resolveBackings(
      app(
        "app: c\nbacking:\n  k1: { type: kafka }\n  zk: { type: zookeeper }\n  k2: { type: kafka, uses: [zk] }\n",
      ),
    );
    const env = (name: string) => {
      const b = backings.get(name);
      if (b === undefined || !isBuiltin(b)) throw new Error("not a runtime");
      return { image: b.image, env: Object.fromEntries(b.env.map((e) => [e.name, e.value])) };
    };
    expect(env("k1").image).toMatch(/^apache\/kafka:/);
    expect(env("k1").env["KAFKA_PROCESS_ROLES"]).toBe("broker,controller");
    expect(env("k1").env["KAFKA_CONTROLLER_QUORUM_VOTERS"]).toBe("0@k1-0.k1-headless.c.svc:9093");
    expect(env("k2").image).toMatch(/^confluentinc\/cp-kafka:/);
    expect(env("k2").env["KAFKA_ZOOKEEPER_CONNECT"]).toBe("zk.c.svc:2181");
    expect(env("k2").env["KAFKA_PROCESS_ROLES"]).toBeUndefined();
  });

  it("derives a stable 22-character KRaft cluster id", () => {
    expect(clusterId("shop", "kafka")).toHaveLength(22);
    expect(clusterId("shop", "kafka")).toBe(clusterId("shop", "kafka"));
    expect(clusterId("shop", "kafka")).not.toBe(clusterId("shop", "events"));
  });
});
