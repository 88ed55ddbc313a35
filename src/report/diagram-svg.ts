/**
 * Lays out DOT with Graphviz compiled to WebAssembly (@viz-js/viz), in process: no browser, no
 * binary. Loaded on first use only, so other commands do not pay for the 1.4 MB module.
 */
export async function dotToSvg(dot: string): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(dot, { format: "svg", engine: "dot" });
}
