/**
 * `npm run bench -- --only test-certificates`: how long one test certificate (emulator/demo-certs.ts, a 2048-bit
 * RSA leaf signed by the demo CA) blocks the event loop. The tests make certificates in the process that runs
 * the in-process emulator, so this is how long the emulator cannot answer the provider meanwhile; the fault
 * matrix gives the provider 1500 ms a request. With node-forge signing, a certificate cost 1.2 to 2.7 s inside
 * jest on Node 22 and 24 and the matrix failed there (docs/reliability-and-security.md, "Node 22 and 24").
 *
 * Generation is synchronous, so the blocked time is the call's wall time; the event loop's own delay
 * histogram is reported beside it as a check on that. JSON lines on stdout, no pass/fail: a figure to compare
 * across Node lines and against BLOCKING_BUDGET_MS.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { makeCertificate } from "../emulator/demo-certs";

const CERTIFICATES = 20;
/** A third of the fault matrix's request budget: a block this long still leaves a request time to be answered. */
const BLOCKING_BUDGET_MS = 500;

const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function benchTestCertificates(): Promise<void> {
  makeCertificate({ commonName: "warm-up.bench.example" }); // the demo CA, made once per process
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const samples: number[] = [];
  for (let i = 0; i < CERTIFICATES; i++) {
    const started = process.hrtime.bigint();
    makeCertificate({ commonName: `leaf-${i}.bench.example`, altNames: [`alt-${i}.bench.example`] });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    await tick(); // lets the histogram see each block as one delay
  }
  histogram.disable();
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const max = sorted[sorted.length - 1];
  process.stdout.write(
    `${JSON.stringify({
      bench: "test-certificates",
      node: process.version,
      certificates: CERTIFICATES,
      medianBlockMs: Math.round(median),
      maxBlockMs: Math.round(max),
      eventLoopMaxDelayMs: Math.round(histogram.max / 1e6),
      budgetMs: BLOCKING_BUDGET_MS,
      withinBudget: max <= BLOCKING_BUDGET_MS,
    })}\n`,
  );
}
