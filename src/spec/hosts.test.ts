import { describe, expect, it } from "vitest";
import { hostTokens } from "./hosts.js";

describe("hostTokens", () => {
  it("reads hosts, ports and URLs out of the usual shapes of configuration values", () => {
    expect(hostTokens("postgres://shop:secret@db:5432/shop")).toEqual([
      { host: "db", port: 5432, url: true, whole: true },
    ]);
    expect(hostTokens("kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092")).toEqual([
      { host: "kafka-0.kafka.data.svc", port: 9092, url: false, whole: false },
      { host: "kafka-1.kafka.data.svc", port: 9092, url: false, whole: false },
    ]);
    expect(hostTokens(" cache ")).toEqual([{ host: "cache", port: undefined, url: false, whole: true }]);
    expect(hostTokens("run the job; then stop").map((t) => t.whole)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("skips what is not a host", () => {
    expect(hostTokens("x=1 --flag /var/lib a:b http://")).toEqual([]);
  });
});
