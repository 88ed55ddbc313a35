import type { NodeState } from "../api-types.js";

/** Each state in words and with a symbol, so that colour is never the only sign. */
export const STATE_LABEL: Readonly<Record<NodeState, { readonly symbol: string; readonly word: string }>> = {
  ready: { symbol: "✓", word: "ready" },
  progressing: { symbol: "↻", word: "progressing" },
  failed: { symbol: "✕", word: "failed" },
  missing: { symbol: "○", word: "missing" },
  external: { symbol: "⇄", word: "external" },
  unknown: { symbol: "?", word: "unknown" },
};
