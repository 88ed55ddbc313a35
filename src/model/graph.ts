import { error, type Diagnostic, type DocPath } from "../spec/diagnostic.js";

/** What a node of the graph is. */
export type NodeKind = "service" | "worker" | "job" | "cronjob" | "backing";

/** A node: one workload or backing service. */
export interface GraphNode {
  readonly name: string;
  readonly kind: NodeKind;
}

/** `dependent` needs `dependency` first: it `uses` it, or a job must run `before` it. */
export interface DependencyEdge {
  readonly dependent: string;
  readonly dependency: string;
  readonly reason: "uses" | "before";
  /** Where in the spec this edge was declared. */
  readonly path: DocPath;
}

/**
 * The one dependency graph of an app. Deploy waves, the NetworkPolicy allow-list, env wiring and the
 * diagram all read it; nothing recomputes dependencies elsewhere.
 */
export class DependencyGraph {
  private readonly byName: ReadonlyMap<string, GraphNode>;
  private readonly deps = new Map<string, DependencyEdge[]>();
  private readonly rdeps = new Map<string, DependencyEdge[]>();

  constructor(
    readonly nodes: readonly GraphNode[],
    readonly edges: readonly DependencyEdge[],
  ) {
    this.byName = new Map(nodes.map((n) => [n.name, n]));
    for (const e of edges) {
      push(this.deps, e.dependent, e);
      push(this.rdeps, e.dependency, e);
    }
  }

  /** The node of that name, if any. */
  node(name: string): GraphNode | undefined {
    return this.byName.get(name);
  }

  /** What `name` needs first, sorted by name. */
  dependenciesOf(name: string, reason?: DependencyEdge["reason"]): string[] {
    return unique(
      (this.deps.get(name) ?? [])
        .filter((e) => reason === undefined || e.reason === reason)
        .map((e) => e.dependency),
    );
  }

  /** What needs `name`, sorted by name. */
  dependentsOf(name: string, reason?: DependencyEdge["reason"]): string[] {
    return unique(
      (this.rdeps.get(name) ?? [])
        .filter((e) => reason === undefined || e.reason === reason)
        .map((e) => e.dependent),
    );
  }

  /** Cycles, each as a chain that starts and ends with the same name (`a -> b -> a`). */
  cycles(): string[][] {
    const found: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (name: string): void => {
      state.set(name, "visiting");
      stack.push(name);
      for (const dep of this.dependenciesOf(name)) {
        const s = state.get(dep);
        if (s === "visiting") found.push([...stack.slice(stack.indexOf(dep)), dep]);
        else if (s === undefined) visit(dep);
      }
      stack.pop();
      state.set(name, "done");
    };
    for (const n of [...this.nodes].sort(byName)) if (!state.has(n.name)) visit(n.name);
    return found;
  }

  /**
   * Deploy waves: every node comes after all it depends on; each wave is sorted by name and its
   * members are independent of each other. Throws on a cycle (the model refuses cyclic graphs).
   */
  waves(): string[][] {
    const level = new Map<string, number>();
    const depth = (name: string, seen: Set<string>): number => {
      const known = level.get(name);
      if (known !== undefined) return known;
      if (seen.has(name)) throw new Error(`dependency cycle through '${name}'`);
      seen.add(name);
      const deps = this.dependenciesOf(name);
      const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((x) => depth(x, seen)));
      seen.delete(name);
      level.set(name, d);
      return d;
    };
    const out: string[][] = [];
    for (const n of [...this.nodes].sort(byName)) {
      const d = depth(n.name, new Set());
      (out[d] ??= []).push(n.name);
    }
    return out.filter((w) => w.length > 0);
  }
}

/** Diagnostics for every cycle in the graph, each printed as a chain. */
export function cycleDiagnostics(graph: DependencyGraph): Diagnostic[] {
  return graph.cycles().map((chain) => {
    const first = graph.edges.find((e) => e.dependent === chain[0] && e.dependency === chain[1]);
    return error(
      "model/dependency-cycle",
      first?.path ?? [],
      `dependency cycle: ${chain.join(" -> ")}`,
      "break the cycle: remove one of these 'uses' (or 'before') entries; start-up order needs a first one",
    );
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}

function byName(a: GraphNode, b: GraphNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
