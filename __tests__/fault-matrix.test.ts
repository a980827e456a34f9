/**
 * The fault matrix, end to end: real terraform runs the p1as provider against the emulator while the
 * emulator injects one fault into the request that creates, updates (certificate content rotation,
 * hostname product change) or deletes a certificate or a hostname. Every deploy must either succeed or
 * fail with a clear provider error (it names the object and says what to do) and a non-zero exit; after a
 * failure a plain re-deploy without the fault must converge: exactly the declared objects, all complete,
 * no create committed over an existing object, and an empty plan.
 *
 * Both contract modes of the emulator; the provider discovers the mode from the OpenAPI document. In the
 * confirmed mode there is no update route: an "update" is a replacement (DELETE, then POST), and the
 * fault meets its POST.
 *
 * Each lane (own emulator, own outdir and state) takes one kind and a share of the faults, and walks
 * absent -> created -> updated -> absent for each; the lanes of a mode run at once. The outcome table is generated:
 * written to dist/reports/fault-matrix.md and printed. Needs `npm run build` first (the provider bundle).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Fault } from "../emulator/faults";
import type { ContractMode } from "../emulator/contract";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { resourceNameFor } from "../p1as/terraform-names";
import { runTerraform } from "../tools/terraform/run";
import { StackFixture, StackSpec, stackFixture } from "./support/virtual-hosts-stack";
import { apply, plan, synthesize } from "./support/terraform-apply";
import { testClientId } from "./support/emulator";

jest.setTimeout(15 * 60_000);

// ---- the matrix ----------------------------------------------------------------------------------

type Kind = "certificate" | "hostname";
type Operation = "create" | "update" | "delete";
/** The request that carries an operation: an update is a PUT, or a replacement's POST in the confirmed mode. */
type Request = "post" | "put" | "delete";
type Outcome = "succeeded" | "failed";

interface FaultCase {
  readonly id: string;
  /** Row label in the generated table. */
  readonly label: string;
  /** The fault, without its route (the scenario adds the operation's route). */
  readonly fault: (operation: Operation) => Omit<Fault, "route">;
  /** A fault on the token endpoint instead of the operation's route. */
  readonly tokenEndpoint?: boolean;
  /** Delete has no rollout: the object is put in this status before the delete instead. */
  readonly objectStatus?: "stuck" | "error";
  /** What the provider's error detail must match when the deploy fails (besides naming the object and a next step). */
  readonly failure?: RegExp;
  readonly expected: Record<Request, Outcome>;
  /** How long the emulator may still hold a request after the deploy gave up on it. */
  readonly settleMs?: number;
}

interface Cell {
  readonly mode: ContractMode;
  readonly fault: FaultCase;
  readonly kind: Kind;
  readonly operation: Operation;
  readonly outcome: Outcome;
  /** Requests that reached the faulted route during the first deploy. */
  readonly attempts: number;
  readonly message?: string;
  readonly seconds: number;
}

const MODES: readonly ContractMode[] = ["assumed", "confirmed"];
const KINDS: readonly Kind[] = ["certificate", "hostname"];
/**
 * Without an update route a certificate's content cannot change under its name (the plan refuses and says to
 * rotate by name), and a certificate a failed create left behind cannot be proven to be the declared one (the
 * API shows no content), so it needs adopt or an import: both are covered by the lifecycle and adopt suites.
 * The confirmed contract's matrix is therefore the hostnames'.
 */
const KINDS_BY_MODE: Record<ContractMode, readonly Kind[]> = { assumed: KINDS, confirmed: ["hostname"] };
const OPERATIONS: readonly Operation[] = ["create", "update", "delete"];
/** Lanes per kind, all running at once: each is a terraform process plus a provider process at a time. */
const LANES_PER_KIND = 2;

/** The provider's budget per request (retries included); a slow response takes twice that. */
const REQUEST_TIMEOUT_MS = 1_500;
const SLOW_MS = 2 * REQUEST_TIMEOUT_MS;
const TIMINGS = { pollIntervalMs: 50, readyTimeoutMs: 1_000, requestTimeoutMs: REQUEST_TIMEOUT_MS };

const ALL_SUCCEED: Record<Request, Outcome> = { post: "succeeded", put: "succeeded", delete: "succeeded" };
const ROLLOUT_FAILS: Record<Request, Outcome> = { post: "failed", put: "failed", delete: "succeeded" };
/** What every failure must end with: the provider says that another apply is the way out. */
const NEXT_STEP = /(apply|deploy) again/;
const GATEWAY: Record<Operation, 502 | 503 | 504> = { create: 502, update: 503, delete: 504 };

const FAULTS: readonly FaultCase[] = [
  { id: "429", label: "429 with Retry-After: 1", fault: () => ({ status: 429, retryAfter: 1 }), expected: ALL_SUCCEED },
  // A 500 is retried like 502-504; a create only after a list shows it was not committed.
  { id: "500", label: "500", fault: () => ({ status: 500 }), expected: ALL_SUCCEED },
  {
    id: "gateway",
    label: "502 on create, 503 on update, 504 on delete",
    fault: (operation) => ({ status: GATEWAY[operation] }),
    expected: ALL_SUCCEED,
  },
  {
    id: "drop-before",
    label: "connection dropped before the response",
    fault: () => ({ drop: "before-commit" }),
    expected: ALL_SUCCEED,
  },
  {
    id: "drop-after",
    label: "connection dropped after commit (lost response)",
    fault: () => ({ drop: "after-commit" }),
    expected: ALL_SUCCEED,
  },
  {
    id: "slow",
    label: `slow response (${SLOW_MS} ms, request budget ${REQUEST_TIMEOUT_MS} ms)`,
    fault: () => ({ delayMs: SLOW_MS }),
    failure: new RegExp(
      `failed: no response \\(ECONNABORTED: timeout of ${REQUEST_TIMEOUT_MS}ms exceeded\\)\\. Whether the API applied the change is unknown`,
    ),
    // A create checks with a list and posts again; an update or delete has used up its budget.
    expected: { post: "succeeded", put: "failed", delete: "failed" },
    settleMs: SLOW_MS,
  },
  {
    id: "token-expired",
    label: "access token rejected mid-apply (401)",
    fault: () => ({ tokenExpired: true }),
    expected: ALL_SUCCEED,
  },
  {
    id: "token-endpoint",
    label: "token endpoint 500 when the apply starts",
    fault: () => ({ status: 500 }),
    tokenEndpoint: true,
    expected: ALL_SUCCEED,
  },
  {
    id: "stuck",
    label: `object stuck in creating/updating past the deadline (${TIMINGS.readyTimeoutMs} ms)`,
    fault: () => ({ objectStatus: "stuck" }),
    objectStatus: "stuck",
    failure: /was not ready after .* \(last status "(creating|updating)"\)\. It may still complete: apply again later/,
    expected: ROLLOUT_FAILS,
  },
  {
    id: "error",
    label: "object ends in status error",
    fault: () => ({ objectStatus: "error" }),
    objectStatus: "error",
    failure:
      /ended in status "error" after .*; P1AS could not apply it\. Check why in the self-service console, then deploy again/,
    expected: ROLLOUT_FAILS,
  },
];

const ROUTES: Record<Kind, Record<Request, string>> = {
  certificate: { post: "POST /certificates", put: "PUT /certificates/{name}", delete: "DELETE /certificates/{name}" },
  hostname: { post: "POST /hostnames", put: "PUT /hostnames/{hostname}", delete: "DELETE /hostnames/{hostname}" },
};

function requestOf(mode: ContractMode, operation: Operation): Request {
  if (operation === "create") return "post";
  if (operation === "delete") return "delete";
  return mode === "confirmed" ? "post" : "put";
}

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
    {
      ...BASE,
      hostnames: [...BASE.hostnames, { hostname: KEYS.hostname, product: "pingaccess-engines", certname: "base" }],
    },
    {
      ...BASE,
      hostnames: [...BASE.hostnames, { hostname: KEYS.hostname, product: "pingdelegator", certname: "base" }],
    },
  ],
};
/** Operation -> [before, after] stage; the lane walks them in this order, each ending where the next begins. */
const STEPS: Record<Operation, [0 | 1 | 2, 0 | 1 | 2]> = { create: [0, 1], update: [1, 2], delete: [2, 0] };

describe.each(MODES)("fault matrix, emulator in the %s contract", (mode) => {
  test("bad input: a StackSpec hostname that is no DNS name is refused at synth, naming path, field and reason; nothing is sent", async () => {
    // GIVEN a lane's emulator and a spec whose hostname has an underscore and upper case
    const lane = await openLane(mode);
    try {
      const bad: StackSpec = {
        ...BASE,
        hostnames: [{ hostname: "Bad_Host.dev.acme.example", product: "pingfederate-engines", certname: "base" }],
      };

      // WHEN it is synthesized
      const synth = () => synthesize(lane.fixture.build(bad));

      // THEN synth throws with the construct path, the field and the reason, and the emulator saw no request
      expect(synth).toThrow(
        /p1as-dev\/virtual-hosts\/Bad_Host\.dev\.acme\.example: invalid hostname "Bad_Host\.dev\.acme\.example": .*lowercase/,
      );
      expect(lane.emulator.requestLog.list()).toEqual([]);
    } finally {
      await lane.close();
    }
  });

  test("one fault during create, update or delete: each deploy succeeds or fails clearly, and a plain re-deploy converges with an empty plan", async () => {
    // GIVEN lanes that each start from the base stack in an emulator of their own and walk a share of the faults
    const kinds = KINDS_BY_MODE[mode];
    const lanes = kinds.flatMap((kind) =>
      Array.from({ length: LANES_PER_KIND }, (_, lane) => ({
        kind,
        faults: FAULTS.filter((_, i) => i % LANES_PER_KIND === lane),
      })),
    );
    const results = await inPool(lanes, LANES_PER_KIND * kinds.length, ({ kind, faults }) =>
      runLane(mode, kind, faults),
    );
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failures.length > 0) throw failures[0].reason;

    // THEN every cell has the outcome its fault is expected to have (retried away, or failed clearly)
    const mine = cells.filter((cell) => cell.mode === mode);
    expect(mine.map((cell) => `${cell.fault.id} ${cell.kind} ${cell.operation}: ${cell.outcome}`).sort()).toEqual(
      kinds
        .flatMap((kind) =>
          FAULTS.flatMap((fault) =>
            OPERATIONS.map(
              (operation) => `${fault.id} ${kind} ${operation}: ${fault.expected[requestOf(mode, operation)]}`,
            ),
          ),
        )
        .sort(),
    );
  });
});

// ---- one lane: absent -> created -> updated -> absent, the fault at each step ------------------------

interface Lane {
  readonly emulator: RunningEmulator;
  readonly fixture: StackFixture;
  close(): Promise<void>;
}

async function openLane(mode: ContractMode): Promise<Lane> {
  const emulator = await startEmulator({
    seedDemoClients: false,
    contract: mode,
    // Long enough that the provider polls at least once.
    completionDelayMs: 100,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
  });
  const fixture = stackFixture({ emulator, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timings: TIMINGS });
  return {
    emulator,
    fixture,
    close: async () => {
      fixture.remove();
      await emulator.close();
    },
  };
}

/** One emulator and one state: base, then each fault's create, update and delete (which ends at the base again). */
async function runLane(mode: ContractMode, kind: Kind, faults: readonly FaultCase[]): Promise<void> {
  const lane = await openLane(mode);
  let outdir: string | undefined;
  try {
    outdir = (await apply(lane.fixture.build(BASE), { env: lane.fixture.env() })).outdir;
    expect(lane.fixture.held()).toEqual(lane.fixture.expected(BASE));
    for (const fault of faults) {
      for (const operation of OPERATIONS) cells.push(await runScenario(lane, outdir, mode, fault, kind, operation));
    }
  } finally {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
    await lane.close();
  }
}

async function runScenario(
  lane: Lane,
  outdir: string,
  mode: ContractMode,
  fault: FaultCase,
  kind: Kind,
  operation: Operation,
): Promise<Cell> {
  const { emulator, fixture } = lane;
  const [before, after] = STEPS[operation].map((stage) => STAGES[kind][stage]);
  const key = KEYS[kind];
  const route = fault.tokenEndpoint ? "POST /as/token" : ROUTES[kind][requestOf(mode, operation)];
  const scenario = `${mode} ${fault.id} ${kind} ${operation}`;
  const started = Date.now();

  // GIVEN the stack converged at the state before the operation (where the previous step ended)
  expect({ scenario, held: fixture.held() }).toEqual({ scenario, held: fixture.expected(before) });
  emulator.requestLog.clear();

  // WHEN the operation's request meets the fault
  const first = await deployWithFault(
    lane,
    outdir,
    after,
    () => arm(lane, fault, kind, operation, route, key),
    fault.tokenEndpoint === true,
  );
  emulator.faults.clear();
  // A slow request is still being handled by the emulator; let it finish before anything else happens.
  if (fault.settleMs) await sleep(fault.settleMs);
  const attempts = emulator.requestLog.list(routePattern(route)).length;

  let message: string | undefined;
  if (first.exitCode !== 0) {
    // THEN the failure is one provider error on the object's resource whose detail says what failed,
    // names the object and says what to do
    const error = providerError(first.output);
    message = error && `${error.summary}: ${error.detail}`;
    const objectNamed = new RegExp(`${kind} ${key.replace(/\./g, "\\.")}[ :]`);
    expect({ scenario, address: error?.address, detail: error?.detail, output: error ? "" : first.output }).toEqual({
      scenario,
      // Terraform points at no configuration for a delete (also a replacement's): the resource is no longer in it.
      address: error?.summary.startsWith("Deleting ") ? undefined : `p1as_${kind}.${resourceNameFor(key)}`,
      detail: expect.stringMatching(fault.failure ?? /^expected no failure$/),
      output: "",
    });
    expect({ scenario, namesObject: objectNamed.test(error!.detail), nextStep: NEXT_STEP.test(error!.detail) }).toEqual(
      {
        scenario,
        namesObject: true,
        nextStep: true,
      },
    );
    // The rollout that outlived the deadline finishes late; a re-deploy then finds it complete.
    if (fault.id === "stuck") emulator.service.setStatus("dev", kind, key, "complete");
    // AND a plain re-deploy without the fault succeeds
    const second = await apply(fixture.build(after), { outdir, env: fixture.env(), allowFailure: true });
    expect({ scenario, redeployExit: second.exitCode, output: second.exitCode === 0 ? "" : second.output }).toEqual({
      scenario,
      redeployExit: 0,
      output: "",
    });
  }

  // THEN the emulator holds exactly the declared objects, all complete
  expect({ scenario, held: fixture.held() }).toEqual({ scenario, held: fixture.expected(after) });
  // AND no create was committed while the object existed: committed creates and deletes alternate
  expect({ scenario, commits: commitsAlternate(emulator, kind, key, before !== STAGES[kind][0]) }).toEqual({
    scenario,
    commits: true,
  });
  // AND the next plan is empty
  const again = await plan(path.join(outdir, "stacks", fixture.stackId), { env: fixture.env() });
  expect({ scenario, planExit: again.exitCode, output: again.exitCode === 0 ? "" : again.output }).toEqual({
    scenario,
    planExit: 0,
    output: "",
  });

  return {
    mode,
    fault,
    kind,
    operation,
    outcome: first.exitCode === 0 ? "succeeded" : "failed",
    attempts,
    message,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Synthesizes `spec` and applies it with the fault armed. A token endpoint fault is armed after a saved
 * plan, so that it meets the apply's own first token request (the one made before the operation's request).
 */
async function deployWithFault(
  lane: Lane,
  outdir: string,
  spec: StackSpec,
  armFault: () => void,
  savedPlanFirst: boolean,
): Promise<{ exitCode: number; output: string }> {
  const { stackDir } = synthesize(lane.fixture.build(spec), outdir);
  const env = lane.fixture.env();
  const args = ["-input=false", "-no-color"];
  let planned: string[] = [];
  if (savedPlanFirst) {
    const saved = await runTerraform(["plan", ...args, "-out=fault.tfplan"], { cwd: stackDir, env });
    if (saved.exitCode !== 0) return { exitCode: saved.exitCode, output: saved.stdout + saved.stderr };
    planned = ["fault.tfplan"];
  }
  armFault();
  const applied = await runTerraform(["apply", "-auto-approve", ...args, ...planned], { cwd: stackDir, env });
  return { exitCode: applied.exitCode, output: applied.stdout + applied.stderr };
}

/** Queues the fault on the route; delete has no rollout, so stuck/error mark the object first. */
function arm(lane: Lane, fault: FaultCase, kind: Kind, operation: Operation, route: string, key: string): void {
  if (fault.objectStatus && operation === "delete") {
    lane.emulator.service.setStatus("dev", kind, key, fault.objectStatus === "stuck" ? "creating" : "error");
    return;
  }
  lane.emulator.faults.add({
    ...fault.fault(operation),
    route,
    ...(fault.tokenEndpoint ? {} : { environment: "dev" as const }),
  });
}

/** "METHOD path" of the emulator's request log for a fault route key. */
function routePattern(route: string): RegExp {
  if (route === "POST /as/token") return /^POST \/[^/]+\/as\/token$/;
  const [method, template] = route.split(" ");
  const pathPattern = template.replace(/\{\w+\}/g, "[^/]+");
  return new RegExp(`^${method} /dev/api/v1${pathPattern}$`);
}

/** Committed creates (201) and deletes (204) of the object under test, in order, never two creates in a row. */
function commitsAlternate(emulator: RunningEmulator, kind: Kind, key: string, existedBefore: boolean): boolean {
  const commits = emulator.requestLog
    .list(new RegExp(`^(POST /dev/api/v1/${kind}s|DELETE /dev/api/v1/${kind}s/${key.replace(/\./g, "\\.")})$`))
    .filter((entry) => (entry.method === "POST" ? entry.status === 201 : entry.status === 204))
    .map((entry) => entry.method);
  let exists = existedBefore;
  for (const method of commits) {
    if ((method === "POST") === exists) return false;
    exists = !exists;
  }
  return true;
}

interface ProviderError {
  readonly summary: string;
  /** The resource terraform names in the "with <address>," line; undefined when it names none. */
  readonly address?: string;
  /** The provider's detail, joined into one line. */
  readonly detail: string;
}

/** Terraform's first error (boxed or not): summary, the "with"/"on" context, then the provider's detail. */
function providerError(output: string): ProviderError | undefined {
  const lines = output.split("\n").map((line) => line.replace(/^[│╷╵] ?/, ""));
  const start = lines.findIndex((line) => line.startsWith("Error: "));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && /^(Error|Warning): /.test(line));
  const paragraphs = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join("\n")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  const context = paragraphs.find((paragraph) => /^with \S+,/.test(paragraph));
  const detail = paragraphs
    .filter((paragraph) => paragraph !== context)
    .join(" ")
    .replace(/\s+/g, " ");
  return {
    summary: lines[start].slice("Error: ".length).trim(),
    address: context ? /^with (\S+),/.exec(context)?.[1] : undefined,
    detail,
  };
}

// ---- shared setup ------------------------------------------------------------------------------

const CLIENT_ID = testClientId("fault-matrix-admin");
const CLIENT_SECRET = `fault-matrix-${randomBytes(16).toString("hex")}`;
const REPORT = path.resolve(__dirname, "..", "dist", "reports", "fault-matrix.md");
const cells: Cell[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` on every item, at most `limit` at a time; settles like Promise.allSettled. */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]).then(
        (value) => ({ status: "fulfilled" as const, value }),
        (reason: unknown) => ({ status: "rejected" as const, reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

afterAll(() => {
  if (cells.length === 0) return;
  const table = renderMatrix(cells);
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, table);
  process.stdout.write(`\nfault matrix (${REPORT}):\n\n${table}\n`);
});

/** The generated table: per mode, one row per fault, one column per kind and operation, then the failure messages. */
function renderMatrix(all: readonly Cell[]): string {
  const text = (cell: Cell | undefined) => {
    if (!cell) return "not run";
    if (cell.outcome === "failed") return "failed clearly, re-deploy converged";
    return `succeeded (${cell.attempts} ${cell.attempts === 1 ? "request" : "requests"} on the route)`;
  };
  const sections = MODES.filter((mode) => all.some((cell) => cell.mode === mode)).flatMap((mode) => {
    const columns = KINDS_BY_MODE[mode].flatMap((kind) => OPERATIONS.map((operation) => ({ kind, operation })));
    const header = columns.map(
      (c) => `${c.kind} ${c.operation === "update" && mode === "confirmed" ? "update (replacement)" : c.operation}`,
    );
    return [
      `### ${mode} contract`,
      "",
      `| fault | ${header.join(" | ")} |`,
      `|---|${columns.map(() => "---").join("|")}|`,
      ...FAULTS.map((fault) => {
        const row = columns.map((c) =>
          text(
            all.find(
              (cell) =>
                cell.mode === mode && cell.fault === fault && cell.kind === c.kind && cell.operation === c.operation,
            ),
          ),
        );
        return `| ${fault.label} | ${row.join(" | ")} |`;
      }),
      "",
      "Failure messages (the provider's error: summary, then detail):",
      "",
      ...all
        .filter((cell) => cell.mode === mode && cell.message)
        .map((cell) => `- ${cell.fault.label}, ${cell.kind} ${cell.operation}: \`${cell.message}\``),
      "",
    ];
  });
  const seconds = all.reduce((sum, cell) => sum + cell.seconds, 0);
  return [
    ...sections,
    `${all.length} scenarios, ${all.filter((c) => c.outcome === "failed").length} failed first and converged on re-deploy; ${Math.round(seconds)} s in scenarios (up to ${LANES_PER_KIND * KINDS.length} lanes at a time).`,
    "",
  ].join("\n");
}
