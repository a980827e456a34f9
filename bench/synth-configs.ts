/**
 * Child of bench/synth.ts: synthesizes each config file with the app entry's `synthesize()`, one App
 * per config (stack names repeat across customers), all in this one process.
 * Usage: node dist/bench/synth-configs.js <outdir> <config.json>...
 */
import * as path from "node:path";
import { synthesize } from "../stacks/synthesize";

const [outdir, ...files] = process.argv.slice(2);
files.forEach((file, index) => synthesize(file, path.join(outdir, String(index))));
