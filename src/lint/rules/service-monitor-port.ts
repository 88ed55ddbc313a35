import { asArray, asString, field, labelsOf, stringMap } from "../object.js";
import { indexOf } from "../object-index.js";
import { matchesSelector, sameNamespace } from "../selectors.js";
import type { Rule } from "../types.js";
import { finding } from "./support.js";

export const serviceMonitorPort: Rule = {
  id: "service-monitor-port",
  severity: "error",
  category: "consistency",
  title: "A ServiceMonitor selects Services that have its port",
  why: "Prometheus scrapes the endpoints of the Services a ServiceMonitor selects, on the port named in each endpoint. A selector that matches no Service, or a port name the Services lack, produces no target and no error: the metrics and alerts are silently missing.",
  fix: "Make `spec.selector` match the Service's labels and `endpoints[].port` one of its port names.",
  seeAlso: ["prometheus-operator troubleshooting"],
  examples: {
    bad: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  endpoints:\n    - port: metrics\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  selector: {app: api}\n  ports:\n    - {name: http, port: 80}\n",
    good: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  endpoints:\n    - port: http\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  selector: {app: api}\n  ports:\n    - {name: http, port: 80}\n",
  },
  *check(ctx) {
    const index = indexOf(ctx.objects);
    if (index.of("Service", undefined).length === 0) return;
    for (const sm of index.of("ServiceMonitor", undefined)) {
      const anyNs = field(sm.object, "spec", "namespaceSelector", "any") === true;
      const names = asArray(field(sm.object, "spec", "namespaceSelector", "matchNames"));
      const inScope = (ns: string | undefined): boolean =>
        anyNs ||
        (names.length > 0 ? names.includes(ns) || ns === undefined : sameNamespace(ns, sm.namespace));
      const services = anyNs
        ? index.of("Service", undefined)
        : names.length > 0
          ? names.flatMap((n) => (typeof n === "string" ? index.of("Service", n) : []))
          : index.of("Service", sm.namespace);
      // Through the label index when the selector has matchLabels (a large input made every
      // ServiceMonitor scan every Service); `inScope` is exactly membership in `services`.
      const selector = field(sm.object, "spec", "selector");
      const [pair] = Object.entries(stringMap(field(selector, "matchLabels")));
      const candidates = pair === undefined ? services : index.labelled("Service", pair[0], pair[1]);
      const selected = candidates.filter(
        (s) => inScope(s.namespace) && matchesSelector(selector, labelsOf(s.object)),
      );
      if (selected.length === 0) {
        yield finding(
          sm,
          ["spec", "selector"],
          `ServiceMonitor/${sm.name} selects no Service of the input`,
          "match the labels of the Service to scrape (its metadata.labels, not its selector)",
        );
        continue;
      }
      const endpoints = asArray(field(sm.object, "spec", "endpoints"));
      for (let i = 0; i < endpoints.length; i++) {
        const port = asString(field(endpoints[i], "port"));
        if (port === undefined) continue;
        const has = selected.some((s) =>
          asArray(field(s.object, "spec", "ports")).some((p) => field(p, "name") === port),
        );
        if (!has)
          yield finding(
            sm,
            ["spec", "endpoints", i, "port"],
            `ServiceMonitor/${sm.name} scrapes port "${port}", which none of the Services it selects (${selected.map((s) => s.name).join(", ")}) has`,
            "use the name of one of the Service's ports",
          );
      }
    }
  },
};
