/**
 * Baseline child of bench/synth.ts: a process that only loads cdktf and synthesizes one empty stack.
 * Usage: node dist/bench/synth-baseline.js <outdir>
 */
import { App, TerraformStack } from "cdktf";

const app = new App({ outdir: process.argv[2] });
new TerraformStack(app, "empty");
app.synth();
