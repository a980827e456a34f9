/**
 * Shared lists against the emulator over real loopback HTTP: reads that may share (a plan's refresh) make one list
 * per collection; a write to a collection makes the next shared read list again; reads that must see the API now
 * (checks before a write, readiness polls) never share. Counted on the emulator's request log.
 */
import { ClientValidationError } from "../client/errors";
import { RunningEmulator } from "../emulator/start";
import { GeneratedCertificate, makeCertificate } from "./support/certs";
import { clientFor, startTestEmulator, testClientSeed } from "./support/emulator";

let emulator: RunningEmulator;
let cert: GeneratedCertificate;
const admin = testClientSeed("shared-admin", ["dev-tls-admin"]);

beforeAll(async () => {
  emulator = await startTestEmulator({ clients: [admin] });
  cert = makeCertificate({ commonName: "*.dev.acme.example" });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.service.reset();
  emulator.faults.clear();
  emulator.requestLog.clear();
});

const lists = (collection: string) => emulator.requestLog.list(new RegExp(`^GET /dev/api/v1/${collection}$`)).length;

test("forty concurrent shared reads of hostnames make one list, and each finds its own hostname", async () => {
  // GIVEN forty hostnames
  const { api } = clientFor(emulator, admin);
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  const names = Array.from({ length: 40 }, (_, i) => `h${i}.dev.acme.example`);
  for (const hostname of names)
    emulator.service.createHostname("dev", { hostname, product: "pingfederate-engines", certname: "wildcard-dev" });
  emulator.requestLog.clear();
  // WHEN each is read at once, as terraform's refresh does
  const views = await Promise.all(names.map((hostname) => api.getHostname(hostname, { shared: true })));
  // THEN one list answered all forty
  expect(views.map((view) => view?.hostname)).toEqual(names);
  expect(lists("hostnames")).toBe(1);
  // AND a later shared read of the other collection makes its own one list
  await Promise.all([api.listCertificates({ shared: true }), api.getCertificate("wildcard-dev", { shared: true })]);
  expect(lists("certificates")).toBe(1);
});

test("a write to a collection makes the next shared read list again and see the write; the other collection stays shared", async () => {
  const { api } = clientFor(emulator, admin);
  await api.createCertificate({ name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  expect(await api.getHostname("new.dev.acme.example", { shared: true })).toBeUndefined();
  await api.listCertificates({ shared: true });
  emulator.requestLog.clear();
  // WHEN a hostname is created, then both collections are read shared
  await api.createHostname({
    hostname: "new.dev.acme.example",
    product: "pingaccess-engines",
    certname: "wildcard-dev",
  });
  const before = lists("hostnames");
  const seen = await api.getHostname("new.dev.acme.example", { shared: true });
  await api.listCertificates({ shared: true });
  // THEN hostnames were listed again (and the new one is seen), certificates were not
  expect(seen).toMatchObject({ hostname: "new.dev.acme.example", product: "pingaccess-engines" });
  expect(lists("hostnames")).toBe(before + 1);
  expect(lists("certificates")).toBe(0);
  // AND a delete invalidates too
  await api.deleteHostname("new.dev.acme.example");
  expect(await api.getHostname("new.dev.acme.example", { shared: true })).toBeUndefined();
});

test("reads without shared always list: a check before a write sees the API now", async () => {
  const { api } = clientFor(emulator, admin);
  await api.listHostnames({ shared: true });
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.createHostname("dev", {
    hostname: "by-hand.dev.acme.example",
    product: "pingfederate-engines",
    certname: "wildcard-dev",
  });
  // The shared list predates the hostname made by hand; an unshared read does not.
  expect(await api.getHostname("by-hand.dev.acme.example", { shared: true })).toBeUndefined();
  expect(await api.getHostname("by-hand.dev.acme.example")).toMatchObject({ hostname: "by-hand.dev.acme.example" });
});

test("a failed shared list is not kept: the next shared read asks again", async () => {
  const { api } = clientFor(emulator, admin, { retry: { retries: 0 } });
  emulator.faults.add({ route: "GET /hostnames", status: 503 });
  await expect(api.listHostnames({ shared: true })).rejects.toMatchObject({ status: 503 });
  await expect(api.listHostnames({ shared: true })).resolves.toEqual([]);
  expect(lists("hostnames")).toBe(2);
});

test("bad input: a shared read of a hostname that is no DNS name finds nothing and a create of it sends nothing", async () => {
  const { api } = clientFor(emulator, admin);
  expect(await api.getHostname("Bad_Host", { shared: true })).toBeUndefined();
  emulator.requestLog.clear();
  await expect(
    api.createHostname({ hostname: "Bad_Host", product: "pingfederate-engines", certname: "x" }),
  ).rejects.toBeInstanceOf(ClientValidationError);
  expect(emulator.requestLog.list(/POST/)).toEqual([]);
});
