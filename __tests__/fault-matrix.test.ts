/**
 * The fault matrix, end to end: real terraform runs the compiled driver against the emulator while the
 * emulator injects one fault into the request that creates, updates (certificate content rotation,
 * hostname product change) or deletes a certificate or a hostname. Every deploy must either succeed or
 * fail with a clear message and a non-zero exit; after a failure a plain re-deploy without the fault must
 * converge: exactly the declared objects, all complete, no create committed twice, and an empty plan.
 *
 * The outcome table is generated: written to dist/reports/fault-matrix.md and printed. One synthesized
 * stack (one outdir, one state) carries every scenario; each scenario starts where the last one ended.
 * Needs `npm run build` first (the provisioners run dist/driver/bundle.js); `npm test` does it.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Fault } from "../emulator/faults";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { StackFixture, StackSpec, stackFixture } from "./support/virtual-hosts-stack";
import { apply, plan } from "./support/terraform-apply";
import { testClientId } from "./support/emulator";

jest.setTimeout(45 * 60_000);

// ---- the matrix ----------------------------------------------------------------------------------

type Kind = "certificate" | "hostname";
type Operation = "create" | "update" | "delete";
type Outcome = "succeeded" | "failed";

interface FaultCase {
  readonly id: string;
  /** Row label in the generated table. */
  readonly label: string;
  /** The fault, without its route (the scenario adds the operation's route). */
  readonly fault: Omit<Fault, "route">;
  /** Delete has no rollout: the object is put in this status before the delete instead. */
  readonly objectStatus?: "stuck" | "error";
  /** What the driver's failure line must match when the deploy fails. */
  readonly failure?: RegExp;
  readonly expected: Record<Operation, Outcome>;
  /** How long the emulator may still hold a request after the deploy gave up on it. */
  readonly settleMs?: number;
}

interface Cell {
  readonly fault: FaultCase;
  readonly kind: Kind;
  readonly operation: Operation;
  readonly outcome: Outcome;
  readonly retries: number;
  readonly recovered: number;
  readonly message?: string;
  readonly seconds: number;
}

const KINDS: readonly Kind[] = ["certificate", "hostname"];
const OPERATIONS: readonly Operation[] = ["create", "update", "delete"];

/** The driver's client timeout per request (budget across retries); a slow response takes twice that. */
const REQUEST_TIMEOUT_MS = 2_000;
const SLOW_MS = 2 * REQUEST_TIMEOUT_MS;
const TIMINGS = { pollIntervalMs: 50, readyTimeoutMs: 1_500, requestTimeoutMs: REQUEST_TIMEOUT_MS };

const ALL_SUCCEED: Record<Operation, Outcome> = { create: "succeeded", update: "succeeded", delete: "succeeded" };
const ALL_FAIL: Record<Operation, Outcome> = { create: "failed", update: "failed", delete: "failed" };
const ROLLOUT_FAILS: Record<Operation, Outcome> = { create: "failed", update: "failed", delete: "succeeded" };

const FAULTS: readonly FaultCase[] = [
  { id: "429", label: "429 with Retry-After: 1", fault: { status: 429, retryAfter: 1 }, expected: ALL_SUCCEED },
  { id: "500", label: "500", fault: { status: 500 }, failure: /failed: HTTP 500: Internal Server Error\. The API failed on its side: deploy again/, expected: ALL_FAIL },
  { id: "502", label: "502", fault: { status: 502 }, expected: ALL_SUCCEED },
  { id: "503", label: "503", fault: { status: 503 }, expected: ALL_SUCCEED },
  { id: "drop-before", label: "connection dropped before the response", fault: { drop: "before-commit" }, expected: ALL_SUCCEED },
  { id: "drop-after", label: "connection dropped after commit (lost response)", fault: { drop: "after-commit" }, expected: ALL_SUCCEED },
  {
    id: "slow",
    label: `slow response (${SLOW_MS} ms, client timeout ${REQUEST_TIMEOUT_MS} ms)`,
    fault: { delayMs: SLOW_MS },
    failure: new RegExp(`failed: no response \\(ECONNABORTED: timeout of ${REQUEST_TIMEOUT_MS}ms exceeded\\)`),
    // A create checks with a list and posts again; an update or delete has used up its budget.
    expected: { create: "succeeded", update: "failed", delete: "failed" },
    settleMs: SLOW_MS,
  },
  { id: "token-expired", label: "access token expired mid-apply (401)", fault: { tokenExpired: true }, expected: ALL_SUCCEED },
  {
    id: "stuck",
    label: `object stuck in creating/updating past the deadline (${TIMINGS.readyTimeoutMs} ms)`,
    fault: { objectStatus: "stuck" },
    objectStatus: "stuck",
    failure: /was not ready after .* \(last status "(creating|updating)"\)/,
    expected: ROLLOUT_FAILS,
  },
  {
    id: "error",
    label: "object ends in status error",
    fault: { objectStatus: "error" },
    objectStatus: "error",
    failure: /ended in status "error"/,
    expected: ROLLOUT_FAILS,
  },
];

const ROUTES: Record<Kind, Record<Operation, string>> = {
  certificate: { create: "POST /certificates", update: "PUT /certificates/{name}", delete: "DELETE /certificates/{name}" },
  hostname: { create: "POST /hostnames", update: "PUT /hostnames/{hostname}", delete: "DELETE /hostnames/{hostname}" },
};

const BASE: StackSpec = {
  certificates: [{ name: "base" }],
  hostnames: [{ hostname: "base.dev.acme.example", product: "pingfederate-engines", certname: "base" }],
};
const KEYS: Record<Kind, string> = { certificate: "rotated", hostname: "x.dev.acme.example" };
/** Absent, created, updated: content version 1 then 2; product pingaccess-engines then pingdelegator. */
const STAGES: Record<Kind, [StackSpec, StackSpec, StackSpec]> = {
  certificate: [
    BASE,
    { ...BASE, certificates: [...BASE.certificates, { name: KEYS.certificate, version: 1 }] },
    { ...BASE, certificates: [...BASE.certificates, { name: KEYS.certificate, version: 2 }] },
  ],
  hostname: [
    BASE,
    { ...BASE, hostnames: [...BASE.hostnames, { hostname: KEYS.hostname, product: "pingaccess-engines", certname: "base" }] },
    { ...BASE, hostnames: [...BASE.hostnames, { hostname: KEYS.hostname, product: "pingdelegator", certname: "base" }] },
  ],
};

/** Progress lines the client writes for each extra attempt: a retry, a fresh token, a second POST. */
const RETRY_LINE = /p1as: .*(retry \d+ of \d+ in|fetching a fresh token|posting once more)/g;
/** A create whose response was lost, found committed by listing. */
const RECOVERED_LINE = /p1as: .*it was committed; using the existing object/g;
const DRIVER_FAILURE = /p1as: [a-z]+-[a-z]+ failed: (.*)$/m;

describe("fault matrix: one fault during create, update or delete of a certificate or a hostname", () => {
  test.each(FAULTS.map((fault) => [fault.label, fault] as const))(
    "%s: each deploy succeeds or fails clearly, and a plain re-deploy converges with an empty plan",
    async (_label, fault) => {
      for (const kind of KINDS) {
        for (const operation of OPERATIONS) {
          const cell = await runScenario(fault, kind, operation);
          cells.push(cell);
          // THEN the outcome is the one this fault is expected to have (retried away, or failed clearly)
          expect({ scenario: `${fault.id} ${kind} ${operation}`, outcome: cell.outcome }).toEqual({
            scenario: `${fault.id} ${kind} ${operation}`,
            outcome: fault.expected[operation],
          });
        }
      }
    },
  );
});

// ---- one scenario ------------------------------------------------------------------------------

async function runScenario(fault: FaultCase, kind: Kind, operation: Operation): Promise<Cell> {
  const { before, after, key } = specs(kind, operation);
  const started = Date.now();

  // GIVEN the stack converged at the state before the operation
  if (converged !== before) await deployConverged(before);
  emulator.requestLog.clear();

  // WHEN the operation's request meets the fault
  arm(fault, kind, operation, key);
  const first = await apply(fixture.build(after), { outdir, env: fixture.env(), allowFailure: true });
  emulator.faults.clear();
  // A slow request is still being handled by the emulator; let it finish before anything else happens.
  if (fault.settleMs) await sleep(fault.settleMs);
  const retries = countMatches(first.output, RETRY_LINE);
  const recovered = countMatches(first.output, RECOVERED_LINE);

  let message: string | undefined;
  if (first.exitCode !== 0) {
    // THEN the failure says what failed and why, in one driver line terraform shows
    message = DRIVER_FAILURE.exec(first.output)?.[1];
    expect({ exitCode: first.exitCode, message }).toEqual({ exitCode: first.exitCode, message: expect.stringMatching(fault.failure ?? /^$/) });
    // The rollout that outlived the deadline finishes late; a re-deploy then finds it complete.
    if (fault.id === "stuck") emulator.service.setStatus("dev", kind, key, "complete");
    // AND a plain re-deploy without the fault succeeds
    const second = await apply(fixture.build(after), { outdir, env: fixture.env(), allowFailure: true });
    expect({ redeployExit: second.exitCode, output: second.exitCode === 0 ? "" : second.output }).toEqual({ redeployExit: 0, output: "" });
  }

  // THEN the emulator holds exactly the declared objects, all complete, and no create was committed twice
  expect(fixture.held()).toEqual(fixture.expected(after));
  const committedCreates = emulator.requestLog.list(new RegExp(`^POST /dev/api/v1/${kind}s$`)).filter((entry) => entry.status === 201);
  expect(committedCreates.length).toBeLessThanOrEqual(operation === "create" ? 1 : 0);
  // AND the next plan is empty
  const again = await plan(stackDir(), { env: fixture.env() });
  expect({ planExit: again.exitCode, output: again.exitCode === 0 ? "" : again.output }).toEqual({ planExit: 0, output: "" });
  converged = after;

  return {
    fault,
    kind,
    operation,
    outcome: first.exitCode === 0 ? "succeeded" : "failed",
    retries,
    recovered,
    message,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Queues the fault on the operation's route; delete has no rollout, so stuck/error mark the object first. */
function arm(fault: FaultCase, kind: Kind, operation: Operation, key: string): void {
  if (fault.objectStatus && operation === "delete") {
    emulator.service.setStatus("dev", kind, key, fault.objectStatus === "stuck" ? "creating" : "error");
    return;
  }
  emulator.faults.add({ ...fault.fault, route: ROUTES[kind][operation], environment: "dev" });
}

/** Before and after of one operation on the certificate or hostname under test; the base never changes. */
function specs(kind: Kind, operation: Operation): { before: StackSpec; after: StackSpec; key: string } {
  const stage = (n: 0 | 1 | 2) => STAGES[kind][n];
  if (operation === "create") return { before: stage(0), after: stage(1), key: KEYS[kind] };
  if (operation === "update") return { before: stage(1), after: stage(2), key: KEYS[kind] };
  return { before: stage(2), after: stage(0), key: KEYS[kind] };
}

async function deployConverged(spec: StackSpec): Promise<void> {
  await apply(fixture.build(spec), { outdir, env: fixture.env() });
  expect(fixture.held()).toEqual(fixture.expected(spec));
  converged = spec;
}

// ---- shared setup ------------------------------------------------------------------------------

const CLIENT_ID = testClientId("fault-matrix-admin");
const CLIENT_SECRET = `fault-matrix-${randomBytes(16).toString("hex")}`;
const REPORT = path.resolve(__dirname, "..", "dist", "reports", "fault-matrix.md");

let emulator: RunningEmulator;
let fixture: StackFixture;
let outdir: string | undefined;
let converged: StackSpec | undefined;
const cells: Cell[] = [];

const stackDir = () => path.join(outdir as string, "stacks", fixture.stackId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const countMatches = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    // Long enough that the driver polls at least once.
    completionDelayMs: 100,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
  });
  fixture = stackFixture({ emulator, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timings: TIMINGS });
  const first = await apply(fixture.build(BASE), { env: fixture.env() });
  outdir = first.outdir;
  expect(fixture.held()).toEqual(fixture.expected(BASE));
  converged = BASE;
});

afterAll(async () => {
  if (cells.length > 0) {
    const table = renderMatrix(cells);
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, table);
    process.stdout.write(`\nfault matrix (${REPORT}):\n\n${table}\n`);
  }
  if (outdir) {
    await apply(fixture.build({ certificates: [], hostnames: [] }), { outdir, env: fixture.env(), allowFailure: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  fixture?.remove();
  await emulator?.close();
});

/** The generated table: one row per fault, one column per kind and operation, then the failure messages. */
function renderMatrix(all: readonly Cell[]): string {
  const columns = KINDS.flatMap((kind) => OPERATIONS.map((operation) => ({ kind, operation })));
  const text = (cell: Cell | undefined) => {
    if (!cell) return "not run";
    if (cell.outcome === "failed") return "failed clearly, re-deploy converged";
    const extra = cell.recovered > 0 ? `, lost create found by listing` : "";
    return `succeeded (${cell.retries} ${cell.retries === 1 ? "retry" : "retries"}${extra})`;
  };
  const lines = [
    `| fault | ${columns.map((c) => `${c.kind} ${c.operation}`).join(" | ")} |`,
    `|---|${columns.map(() => "---").join("|")}|`,
    ...FAULTS.map((fault) => {
      const row = columns.map((c) => text(all.find((cell) => cell.fault === fault && cell.kind === c.kind && cell.operation === c.operation)));
      return `| ${fault.label} | ${row.join(" | ")} |`;
    }),
  ];
  const messages = all
    .filter((cell) => cell.message)
    .map((cell) => `- ${cell.fault.label}, ${cell.kind} ${cell.operation}: \`${cell.message}\``);
  const seconds = all.reduce((sum, cell) => sum + cell.seconds, 0);
  return [
    ...lines,
    "",
    `${all.length} scenarios, ${all.filter((c) => c.outcome === "failed").length} failed first and converged on re-deploy; ${Math.round(seconds)} s in scenarios.`,
    "",
    "Failure messages (the driver's line in the deploy output):",
    "",
    ...messages,
    "",
  ].join("\n");
}
