import { describe, expect, it } from "vitest";
import { workerExecArgv } from "./lint-pool.js";

describe("workerExecArgv", () => {
  it("passes the process's Node options on, except --input-type, which workers refuse", () => {
    expect(workerExecArgv(["--input-type=module", "-e", "x", "--max-old-space-size=4096"])).toEqual([
      "-e",
      "x",
      "--max-old-space-size=4096",
    ]);
    expect(workerExecArgv(["--input-type", "module", "--cpu-prof"])).toEqual(["--cpu-prof"]);
    expect(workerExecArgv([])).toEqual([]);
  });
});
