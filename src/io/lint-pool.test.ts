import { describe, expect, it } from "vitest";
import { workerExecArgv } from "./lint-pool.js";

describe("workerExecArgv", () => {
  it("lets workers inherit the process's Node options, unless --input-type is one (workers refuse it)", () => {
    expect(workerExecArgv(["--max-old-space-size=4096", "--trace-gc"])).toBeUndefined();
    expect(workerExecArgv([])).toBeUndefined();
    expect(workerExecArgv(["--input-type=module", "-e", "x"])).toEqual([]);
    expect(workerExecArgv(["--input-type", "module", "--cpu-prof"])).toEqual([]);
  });
});
