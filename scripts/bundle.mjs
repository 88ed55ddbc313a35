// Bundles the CLI into one minified ES module (dist/cli/kubeship.mjs): Node loads one file instead
// of hundreds, which halves start-up. zod's translated messages are left out (kubeship words its own
// diagnostics); only its English locale, which zod itself configures, stays.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const onlyEnglishLocale = {
  name: "only-english-locale",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join("node_modules", "zod")}`)
        ? { path: join(dirname(args.importer), "../locales/en.js") }
        : undefined,
    );
  },
};
await build({
  entryPoints: {
    kubeship: join(root, "src/cli/main.ts"),
    // The lint worker thread runs from its own bundle beside the CLI's.
    "lint-worker": join(root, "src/io/lint-worker.ts"),
  },
  outdir: join(root, "dist/cli"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // KUBESHIP_NO_MINIFY=1 keeps names readable, for CPU profiles (node --cpu-prof bin/kubeship.js ...).
  minify: process.env.KUBESHIP_NO_MINIFY === undefined,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "linked",
  logLevel: "warning",
  plugins: [onlyEnglishLocale],
  // Graphviz (WebAssembly, 1.4 MB) loads from node_modules when `diagram` asks for SVG, not at start-up.
  external: ["@viz-js/viz"],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: {
    js: "import{createRequire as __kubeshipRequire}from'node:module';const require=__kubeshipRequire(import.meta.url);",
  },
});
