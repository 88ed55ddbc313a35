#!/usr/bin/env node
// The CLI runs from one bundled module (built by `npm run build`): Node starts it about twice as fast.
// A large lint's worker threads start first, so that they boot while that module loads.
import { prestart } from "../dist/cli/prestart.mjs";

prestart(process.argv.slice(2), process.env);
const { main } = await import("../dist/cli/kubeship.mjs");
process.exitCode = await main(process.argv.slice(2));
