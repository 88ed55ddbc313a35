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

  /**
   * One cycle per tangle: for each strongly connected component of more than one node, its shortest
   * cycle through its first member, as a chain that starts and ends with the same name (`a -> b -> a`),
   * and every member of the component. 300 services that all use each other are one finding, not
   * 45,000.
   */
  cycles(): { chain: string[]; members: string[] }[] {
    const out: { chain: string[]; members: string[] }[] = [];
    for (const members of this.components()) {
      if (members.length < 2) continue;
      const inside = new Set(members);
      const start = members[0] ?? "";
      // Breadth-first from the start's dependencies back to the start: the shortest cycle through it.
      const previous = new Map<string, string>();
      const queue = [start];
      for (let i = 0; i < queue.length; i++) {
        const at = queue[i] ?? "";
        for (const dep of this.dependenciesOf(at)) {
          if (!inside.has(dep) || previous.has(dep)) continue;
          previous.set(dep, at);
          queue.push(dep);
        }
        if (previous.has(start)) break;
      }
      const chain = [start];
      for (let at = previous.get(start); at !== undefined && at !== start; at = previous.get(at))
        chain.push(at);
      chain.push(start);
      // The walk went from dependents to dependencies; a chain reads the same way (a uses b uses a).
      out.push({ chain: [start, ...chain.slice(1, -1).reverse(), start], members });
    }
    return out;
  }

  /** Strongly connected components (Tarjan's algorithm, iterative), each sorted, in order of their first member. */
  private components(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    let next = 0;
    for (const root of [...this.nodes].sort(byName).map((n) => n.name)) {
      if (index.has(root)) continue;
      const work: { name: string; deps: string[]; i: number }[] = [];
      const open = (name: string): void => {
        index.set(name, next);
        low.set(name, next);
        next++;
        stack.push(name);
        onStack.add(name);
        work.push({ name, deps: this.dependenciesOf(name).filter((d) => this.byName.has(d)), i: 0 });
      };
      open(root);
      while (work.length > 0) {
        const frame = work[work.length - 1] as { name: string; deps: string[]; i: number };
        if (frame.i < frame.deps.length) {
          const dep = frame.deps[frame.i++] ?? "";
          if (!index.has(dep)) open(dep);
          else if (onStack.has(dep))
            low.set(frame.name, Math.min(low.get(frame.name) ?? 0, index.get(dep) ?? 0));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent !== undefined)
          low.set(parent.name, Math.min(low.get(parent.name) ?? 0, low.get(frame.name) ?? 0));
        if (low.get(frame.name) === index.get(frame.name)) {
          const component: string[] = [];
          let member: string | undefined;
          do {
            member = stack.pop();
            if (member === undefined) break;
            onStack.delete(member);
            component.push(member);
          } while (member !== frame.name);
          out.push(component.sort());
        }
      }
    }
    return out.sort((a, b) => ((a[0] ?? "") < (b[0] ?? "") ? -1 : 1));
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

/** One diagnostic per cycle of the graph (per strongly connected component), printed as a chain. */
export function cycleDiagnostics(graph: DependencyGraph): Diagnostic[] {
  return graph.cycles().map(({ chain, members }) => {
    const first = graph.edges.find((e) => e.dependent === chain[0] && e.dependency === chain[1]);
    const others = members.filter((m) => !chain.includes(m));
    const more =
      others.length === 0
        ? ""
        : `; ${others.length} more ${others.length === 1 ? "entry is" : "entries are"} in the same tangle: ${others.slice(0, 10).join(", ")}${others.length > 10 ? ", ..." : ""}`;
    return error(
      "model/dependency-cycle",
      first?.path ?? [],
      `dependency cycle: ${chain.join(" -> ")}${more}`,
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
