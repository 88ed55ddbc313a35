#!/usr/bin/env node
// The CLI runs from one bundled module (built by `npm run build`): Node starts it about twice as fast.
import { main } from "../dist/cli/kubeship.mjs";

process.exitCode = await main(process.argv.slice(2));
