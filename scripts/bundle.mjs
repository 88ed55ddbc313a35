// Bundles the CLI into minified ES modules (dist/cli/kubeship.mjs and a few chunks): Node loads a few
// files instead of hundreds, which halves start-up. zod's translated messages are left out (kubeship words its own
// diagnostics); only its English locale, which zod itself configures, stays.
import { build } from "esbuild";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
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
// Chunk names carry a content hash: clear the last build's, so that old chunks do not pile up.
const out = join(root, "dist/cli");
for (const f of existsSync(out) ? readdirSync(out, { withFileTypes: true }) : [])
  if (f.isFile() && /\.mjs(\.map|\.LEGAL\.txt)?$/.test(f.name)) rmSync(join(out, f.name));
await build({
  entryPoints: {
    kubeship: join(root, "src/cli/main.ts"),
    // The lint worker thread runs from its own bundle beside the CLI's.
    "lint-worker": join(root, "src/io/lint-worker.ts"),
    // bin/kubeship.js loads this first: it starts a large lint's workers before the CLI loads.
    prestart: join(root, "src/cli/prestart.ts"),
  },
  outdir: join(root, "dist/cli"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // KUBESHIP_NO_MINIFY=1 keeps names readable, for CPU profiles (node --cpu-prof bin/kubeship.js ...).
  minify: process.env.KUBESHIP_NO_MINIFY === undefined,
  platform: "node",
  format: "esm",
  // Code loaded with import() (the cluster adapter's client-node) goes to its own chunk file, so that
  // commands which never talk to a cluster do not parse it; code both entries use goes to a chunk too.
  splitting: true,
  // Beside the entries: modules find schemas/, package.json and the worker relative to themselves.
  chunkNames: "[name]-[hash]",
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

// The dashboard's page (`kubeship ui`): one script and one stylesheet for the browser, built here so
// that nothing is fetched at run time (no CDN); its HTML beside them.
const ui = join(root, "dist/web");
rmSync(ui, { recursive: true, force: true });
await build({
  entryPoints: { app: join(root, "src/ui/web/main.tsx") },
  outdir: ui,
  bundle: true,
  minify: process.env.KUBESHIP_NO_MINIFY === undefined,
  platform: "browser",
  format: "esm",
  target: ["chrome120", "firefox120", "safari17"],
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "linked",
  logLevel: "warning",
});
copyFileSync(join(root, "src/ui/web/index.html"), join(ui, "index.html"));
