import { useEffect, useRef } from "preact/hooks";
import type { NodeHealth } from "../api-types.js";
import { STATE_LABEL } from "./states.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The architecture diagram (Graphviz SVG from the server), each node marked with its live state:
 * a coloured, patterned border and a symbol with the state's word under its name. Nodes are
 * buttons: click, or Tab and Enter, selects one.
 */
export function Graph(props: {
  svg: string;
  health: readonly NodeHealth[];
  selected: string | undefined;
  onSelect: (node: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const select = useRef(props.onSelect);
  select.current = props.onSelect;

  // The SVG is set once per diagram; states are attributes on it afterwards.
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    el.innerHTML = props.svg;
    const svg = el.querySelector("svg");
    if (svg === null) return;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "architecture graph: one button per workload and backing service");
    // The graph's own tooltip would name the app on every hover.
    svg.querySelector(":scope > g > title")?.remove();
    for (const g of Array.from(svg.querySelectorAll<SVGGElement>("g.node"))) {
      const name = g.querySelector("title")?.textContent ?? "";
      if (name === "internet" || name === "ingress") continue;
      g.dataset["node"] = name;
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      // The layout left a last label line for the state (STATUS_PLACEHOLDER): the badge.
      const lines = Array.from(g.querySelectorAll("text"));
      lines.at(-1)?.setAttribute("class", "badge");
      for (const shape of Array.from(g.querySelectorAll("path, polygon, ellipse")))
        shape.setAttribute("class", "outline");
      g.addEventListener("click", () => {
        select.current(name);
      });
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select.current(name);
        }
      });
    }
  }, [props.svg]);

  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const byNode = new Map(props.health.map((h) => [h.node, h]));
    for (const g of Array.from(el.querySelectorAll<SVGGElement>("g.node[data-node]"))) {
      const name = g.dataset["node"] ?? "";
      const h = byNode.get(name);
      const state = h?.state ?? "unknown";
      const label = STATE_LABEL[state];
      g.dataset["state"] = state;
      g.classList.toggle("selected", name === props.selected);
      g.setAttribute("aria-pressed", String(name === props.selected));
      g.setAttribute("aria-label", `${name}: ${label.word}${h === undefined ? "" : `, ${h.message}`}`);
      const badge = g.querySelector("text.badge");
      if (badge !== null) badge.textContent = `${label.symbol} ${label.word}`;
      let tip = g.querySelector<SVGTitleElement>(":scope > title");
      if (tip === null) {
        tip = document.createElementNS(SVG_NS, "title");
        g.prepend(tip);
      }
      tip.textContent = `${name}: ${label.word}${h === undefined ? "" : ` — ${h.message}`}`;
    }
  }, [props.health, props.selected, props.svg]);

  return <div class="graph" ref={host} />;
}
