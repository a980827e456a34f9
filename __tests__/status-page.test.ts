// The functions given to page.evaluate run in the browser: they need the DOM types.
/// <reference lib="dom" />
/**
 * The status page in a real headless browser (Debian's chromium, driven by playwright-core) against the
 * emulator over loopback HTTP: the console's colour for every status the emulator can be put in, live updates
 * without a reload, no secret anywhere on the page, and the page's structure (sections, table rows, cells,
 * classes), never its pixels. Then `--once` as a user's shell runs it: plain text in a pipe, and exit codes.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Browser, chromium, Page } from "playwright-core";
import { startStatusFixture, STATUS_SPEC, StatusFixture, writesSeen } from "./support/status-fixture";
import { DEMO_PINGONE_ENVIRONMENT_ID } from "../emulator/clients";
import { StatusCollector } from "../tools/status/model";
import { startStatusServer, StatusServer } from "../tools/status/server";

const CHROMIUM = "/usr/bin/chromium";
const INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium";
const STATUS_JS = path.resolve(__dirname, "..", "dist", "tools", "status", "main.js");
/** Long enough for a few refreshes (every 3 s) on a busy machine; a condition is awaited, not a time. */
const UPDATE_WAIT_MS = 30_000;

if (!existsSync(CHROMIUM))
  console.warn(`status-page: SKIPPED the browser tests: ${CHROMIUM} is missing. Install it with: ${INSTALL}`);
const describeBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

type Snapshot = { heading: string; labelled: boolean; alerts: string[]; columns: string[]; rows: string[][] }[];

/** The page's structure, normalised: per environment its heading and table; per cell the class of its badge and its text. */
function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("main > section")).map((section) => {
      const heading = section.querySelector("h2");
      return {
        heading: heading?.textContent ?? "",
        labelled: section.getAttribute("aria-labelledby") === heading?.id,
        alerts: Array.from(section.querySelectorAll("[role=alert]")).map((alert) => alert.textContent ?? ""),
        columns: Array.from(section.querySelectorAll("thead th")).map(
          (th) => `${th.textContent}${th.getAttribute("scope") === "col" ? "" : " (no scope)"}`,
        ),
        rows: Array.from(section.querySelectorAll("tbody tr")).map((tr) =>
          Array.from((tr as HTMLTableRowElement).cells).map((td) => {
            const marked = td.querySelector("[class]");
            // Days left depend on the day the certificate was made: the structure, not the count, is compared.
            const text = (td.textContent ?? "").replace(/^\d+ days/, "<n> days");
            return marked ? `${marked.className}: ${text}` : text;
          }),
        ),
      };
    }),
  );
}

const rowClass = (page: Page, key: string) => page.locator(`tr[data-key="${key}"] .badge`).getAttribute("class");

describeBrowser.each(["assumed", "confirmed"] as const)("status page in chromium (%s contract)", (contract) => {
  let fixture: StatusFixture;
  let server: StatusServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fixture = await startStatusFixture(`status-page-${contract}`, contract);
    server = await startStatusServer(new StatusCollector(fixture.targets(), { log: () => undefined }), { port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fixture?.close();
  });
  beforeEach(async () => {
    fixture.fillAsDeclared();
    page = await browser.newPage();
  });
  afterEach(() => page.close());

  test("each status the emulator can be put in shows in the console's colour, in a table of the expected structure", async () => {
    // GIVEN the API holds the declared objects: the certificate complete, the hostnames creating, updating and in error
    fixture.emulator.service.setStatus("dev", "hostname", "api.dev.acme.example", "creating");
    fixture.emulator.service.setStatus("dev", "hostname", "auth.dev.acme.example", "updating");
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", "error");
    // WHEN the page is opened
    await page.goto(server.url);
    await page.locator("tr[data-key]").nth(3).waitFor();
    // THEN its structure is one labelled section with one row per object, each status in its colour
    const expiry = contract === "assumed" ? "expiry expiry-ok: <n> days" : "expiry expiry-ok: <n> days (from code)";
    expect(await snapshot(page)).toEqual([
      {
        heading: "dev (p1as-dev)",
        labelled: true,
        alerts: [],
        columns: ["Kind", "Name", "Status", "Code", "Expires", "Details"],
        rows: [
          ["certificate", "wildcard-dev", "badge colour-green: complete", "sync sync-in-sync: in sync", expiry, ""],
          [
            "hostname",
            "api.dev.acme.example",
            "badge colour-blue: creating",
            "sync sync-in-sync: in sync",
            "",
            "pingfederate-admin-api with wildcard-dev",
          ],
          [
            "hostname",
            "auth.dev.acme.example",
            "badge colour-yellow: updating",
            "sync sync-in-sync: in sync",
            "",
            "pingfederate-engines with wildcard-dev",
          ],
          [
            "hostname",
            "www.dev.acme.example",
            "badge colour-red: error",
            "sync sync-in-sync: in sync",
            "",
            "pingaccess-engines with wildcard-dev",
          ],
        ],
      },
    ]);
    // AND the colours are what the eye sees (computed style), not only class names
    const background = (key: string) =>
      page.locator(`tr[data-key="${key}"] .badge`).evaluate((badge) => getComputedStyle(badge).backgroundColor);
    expect(
      await Promise.all(
        ["wildcard-dev", "api.dev.acme.example", "auth.dev.acme.example", "www.dev.acme.example"].map(background),
      ),
    ).toEqual(["rgb(18, 183, 106)", "rgb(21, 112, 239)", "rgb(247, 144, 9)", "rgb(217, 45, 32)"]);
    await expect(page.locator("#summary").textContent()).resolves.toMatch(/^some objects need attention/);
  });

  test("the page follows the API without a reload: a repaired object turns green, a new one appears as not managed", async () => {
    // GIVEN an open page showing a hostname in error
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", "error");
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('tr[data-key="www.dev.acme.example"] .colour-red'));
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    // WHEN the API repairs it and someone adds a hostname in the console
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", "complete");
    fixture.addHostname("legacy.dev.acme.example", "pingdirectory");
    // THEN the page shows both by itself, and it is still the same document
    await page.waitForFunction(() => document.querySelector('tr[data-key="legacy.dev.acme.example"]'), undefined, {
      timeout: UPDATE_WAIT_MS,
    });
    expect(await rowClass(page, "www.dev.acme.example")).toBe("badge colour-green");
    expect(await page.locator('tr[data-key="legacy.dev.acme.example"] .sync').textContent()).toBe("not managed");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  test("no secret and no token is ever on the page, and the page only ever read", async () => {
    // GIVEN the page has loaded and refreshed at least once (so tokens were issued and used)
    fixture.emulator.requestLog.clear();
    await page.goto(server.url);
    await page.locator("tr[data-key]").first().waitFor();
    await page.waitForResponse((response) => response.url().endsWith("/status.json"), { timeout: UPDATE_WAIT_MS });
    // WHEN everything the browser can get from the server is gathered
    const served = await Promise.all(
      ["", "status.json", "status.js", "status.css", "nope"].map((file) =>
        page.request.get(`${server.url}${file}`).then((r) => r.text()),
      ),
    );
    const everything = [await page.content(), ...served].join("\n");
    // THEN neither the client secret nor anything like a bearer token (a JWT) is there
    expect(everything).not.toContain(fixture.app.clientSecret);
    expect(everything).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
    expect(everything).not.toMatch(/bearer/i);
    // AND the API saw reads and token requests only, and the server refuses anything but GET
    expect(fixture.emulator.requestLog.list(/^GET /).length).toBeGreaterThan(0);
    expect(writesSeen(fixture.emulator)).toEqual([]);
    expect((await page.request.post(`${server.url}status.json`)).status()).toBe(405);
  });
});

/** Runs the built CLI as a shell would, stdout piped (not a terminal). */
function runStatus(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STATUS_JS, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run status -- --once, in a pipe", () => {
  let fixture: StatusFixture;
  beforeAll(async () => {
    fixture = await startStatusFixture("status-once", "assumed");
  });
  afterAll(() => fixture.close());
  beforeEach(() => fixture.fillAsDeclared());

  test("plain text, exit 2 while something is not green and 0 once all is green and in sync", async () => {
    // GIVEN a hostname in error
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", "error");
    // WHEN --once runs in a pipe
    const attention = await runStatus(["--once", "--outdir", fixture.app.outdir], fixture.env);
    // THEN a plain table (no escape codes) with the row, and exit 2
    expect(attention.stdout).not.toContain("\x1b");
    expect(attention.stdout.split("\n")[0]).toMatch(/^ENVIRONMENT +KIND +NAME +STATUS +CODE +EXPIRES +DETAILS$/);
    expect(attention.stdout).toMatch(
      /^dev +hostname +www\.dev\.acme\.example +error +in sync +pingaccess-engines with wildcard-dev$/m,
    );
    expect(attention.stdout).toMatch(/1 of 4 objects need attention \(exit 2\)\n$/);
    expect(attention.code).toBe(2);
    // AND WHEN the object is repaired, THEN exit 0
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", "complete");
    const green = await runStatus(["--once", "--outdir", fixture.app.outdir], fixture.env);
    expect(green.stdout).toMatch(/all 4 objects green and in sync\n$/);
    expect(green.code).toBe(0);
    expect(writesSeen(fixture.emulator)).toEqual([]);
  });

  test("an API that cannot be read exits 1 and says why; bad flags exit 64 and --help 0, both sending nothing", async () => {
    // GIVEN the token endpoint refuses every request
    fixture.emulator.faults.add({ route: "POST /as/token", status: 503, times: 50 });
    fixture.emulator.requestLog.clear();
    try {
      // WHEN --once runs, THEN exit 1 with the environment's error in the table's notes
      const failed = await runStatus(["--once", "--outdir", fixture.app.outdir], fixture.env);
      expect(failed.stdout).toMatch(
        /^dev \(p1as-dev\): ERROR: get access token for client [0-9a-f-]+ failed.*HTTP 503/m,
      );
      expect(failed.code).toBe(1);
      // AND it asked for a token as often as the stack's max_retries allows (the fixture's 1), no more
      const tokenRequests = fixture.emulator.requestLog.list().filter(({ path }) => path.endsWith("/as/token"));
      expect(tokenRequests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual(
        Array(STATUS_SPEC.maxRetries! + 1).fill(`POST /${DEMO_PINGONE_ENVIRONMENT_ID}/as/token 503`),
      );
    } finally {
      fixture.emulator.faults.clear();
    }
    // WHEN the flags are wrong, or help is asked for
    fixture.emulator.requestLog.clear();
    const bad = await runStatus(["--once", "--port", "x", "--outdir", fixture.app.outdir], fixture.env);
    const help = await runStatus(["--help"], fixture.env);
    // THEN 64 naming the flag, 0 with the usage, and the API saw nothing
    expect([bad.code, bad.stderr]).toEqual([
      64,
      expect.stringMatching(/^status: option '--port <port>' argument 'x' is invalid/),
    ]);
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: status \[options\]/)]);
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });
});
