import type { Rule } from "../types.js";

/** Syntax errors are found while reading the input (lint/input.ts); this entry gives them an id, a level and docs. */
export const yamlSyntax: Rule = {
  id: "yaml-syntax",
  severity: "error",
  category: "validity",
  title: "Every document is valid YAML or JSON",
  why: "kubectl refuses a whole file when one document in it cannot be parsed, so one stray tab or unclosed quote stops every object in the file from being applied.",
  fix: "Fix the syntax at the line and column given. The other documents of the file are still linted, so the rest of the report stays useful.",
  examples: {
    bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: "unclosed\n',
    good: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: "closed"\n',
  },
  check: () => [],
};
