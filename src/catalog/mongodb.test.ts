import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { RS_INIT_SCRIPT } from "./mongodb.js";

/**
 * No MongoDB server can be had here (it is in neither Debian's archive nor npm), so the replica set's
 * init script, which mongosh runs as JavaScript, runs in Node against a stand-in for mongosh's `rs`
 * helpers that keeps a set's configuration and answers as mongod does (NotYetInitialized before
 * `rs.initiate`). The shell around it (waiting for every member) is the init job's.
 */
function run(state: { hosts?: string[] }, members: string[]): { calls: string[]; printed: string[] } {
  const calls: string[] = [];
  const printed: string[] = [];
  const rs = {
    status: () => {
      if (state.hosts === undefined)
        throw Object.assign(new Error("no replset config has been received"), {
          codeName: "NotYetInitialized",
        });
      return { set: "docs", members: state.hosts.map((name) => ({ name })) };
    },
    conf: () => ({ members: (state.hosts ?? []).map((host) => ({ host })) }),
    initiate: (cfg: { _id: string; members: { _id: number; host: string }[] }) => {
      calls.push(`initiate ${cfg._id} ${cfg.members.map((m) => `${m._id}=${m.host}`).join(",")}`);
      state.hosts = cfg.members.map((m) => m.host);
    },
    add: (host: string) => {
      calls.push(`add ${host}`);
      state.hosts = [...(state.hosts ?? []), host];
    },
  };
  runInNewContext(RS_INIT_SCRIPT, {
    rs,
    print: (s: string) => printed.push(s),
    process: { env: { REPLICA_SET: "docs", MEMBERS: members.join(" ") } },
  });
  return { calls, printed };
}

const M = ["docs-0.h:27017", "docs-1.h:27017", "docs-2.h:27017"];

describe("the MongoDB replica set's init script", () => {
  it("initiates a new set with every member, numbered by ordinal", () => {
    const state: { hosts?: string[] } = {};
    expect(run(state, M).calls).toEqual(["initiate docs 0=docs-0.h:27017,1=docs-1.h:27017,2=docs-2.h:27017"]);
    expect(state.hosts).toEqual(M);
  });

  it("changes nothing when run again on a complete set", () => {
    const state = { hosts: [...M] };
    const r = run(state, M);
    expect(r.calls).toEqual([]);
    expect(r.printed).toEqual(["docs has every member: nothing to do"]);
  });

  it("adds the members a larger replicas asks for", () => {
    const state = { hosts: M.slice(0, 2) };
    expect(run(state, [...M, "docs-3.h:27017"]).calls).toEqual(["add docs-2.h:27017", "add docs-3.h:27017"]);
  });

  it("fails loudly on any other error, so the job fails and retries", () => {
    const broken = { hosts: [...M] };
    expect(() => {
      runInNewContext(RS_INIT_SCRIPT, {
        rs: {
          status: () => {
            throw Object.assign(new Error("Authentication failed"), { codeName: "AuthenticationFailed" });
          },
        },
        print: () => undefined,
        process: { env: { REPLICA_SET: "docs", MEMBERS: M.join(" ") } },
      });
    }).toThrow(/Authentication failed/);
    expect(broken.hosts).toEqual(M);
  });
});
