/**
 * The certificates the demo and every test use (emulator/demo-certs.ts): well-formed, chained to the demo CA,
 * the shapes callers ask for. Also prints, per Node line (.ci/run runs this suite on 20, 22 and 24), how long
 * one certificate blocks the event loop inside jest, where the in-process emulator shares that loop: forge's
 * signing once took 1.2 to 2.7 s here on Node 22 and 24 and timed out the fault matrix
 * (docs/reliability-and-security.md, "Node 22 and 24"). A figure, not an assertion.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { makeCertificate } from "./support/certs";

const blocks = (fullchain: string): string[] => [
  ...(fullchain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g) ?? []),
];

describe("makeCertificate", () => {
  test("an RSA leaf is issued by the demo CA, for the names asked, as a TLS server certificate", () => {
    // WHEN a leaf is made with an extra name
    const made = makeCertificate({ commonName: "*.dev.acme.example", altNames: ["dev.acme.example"] });

    // THEN the chain is the leaf, then a CA whose key signed it
    const [leafPem, caPem, ...rest] = blocks(made.fullchain);
    expect(rest).toEqual([]);
    const leaf = new X509Certificate(leafPem);
    const ca = new X509Certificate(caPem);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    // AND it names what was asked, serves TLS, holds a 2048-bit RSA key that is the returned private key
    expect(leaf.subject).toBe("CN=*.dev.acme.example");
    expect(leaf.subjectAltName).toBe("DNS:*.dev.acme.example, DNS:dev.acme.example");
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(leaf.publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
    expect(leaf.checkPrivateKey(createPrivateKey(made.privkey))).toBe(true);
    expect(made.fingerprint).toBe(leaf.fingerprint256);
    // AND it is valid now, for the default 90 days
    const days = (new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(Date.now());
  });

  test("two leaves share the process's CA but neither key nor serial nor fingerprint", () => {
    const [a, b] = [makeCertificate({ commonName: "a.example" }), makeCertificate({ commonName: "b.example" })];
    expect(blocks(a.fullchain)[1]).toBe(blocks(b.fullchain)[1]);
    const [leafA, leafB] = [a, b].map((made) => new X509Certificate(blocks(made.fullchain)[0]));
    expect(leafA.serialNumber).not.toBe(leafB.serialNumber);
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(leafA.checkPrivateKey(createPrivateKey(b.privkey))).toBe(false);
  });

  test("expired, weak and EC certificates are what their options say", () => {
    const expired = new X509Certificate(makeCertificate({ commonName: "old.example", expired: true }).fullchain);
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());

    const weak = new X509Certificate(makeCertificate({ commonName: "weak.example", rsaModulusBits: 1024 }).fullchain);
    expect(weak.publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 1024 });

    const ec = makeCertificate({ commonName: "ec.example", keyType: "ec" });
    expect(blocks(ec.fullchain)).toHaveLength(1);
    const leaf = new X509Certificate(ec.fullchain);
    expect(leaf.publicKey.asymmetricKeyType).toBe("ec");
    expect(leaf.issuer).toBe(leaf.subject);
    expect(leaf.verify(createPublicKey(createPrivateKey(ec.privkey)))).toBe(true);
  });

  test("measure: how long one certificate blocks the event loop here", async () => {
    makeCertificate({ commonName: "warm-up.example" });
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      makeCertificate({ commonName: `leaf-${i}.example` });
      ms.push(Math.round(Number(process.hrtime.bigint() - started) / 1e6));
      await new Promise((resolve) => setImmediate(resolve));
    }
    histogram.disable();
    console.log(
      JSON.stringify({
        measure: "test certificate blocks the event loop (jest)",
        node: process.version,
        ms,
        eventLoopMaxDelayMs: Math.round(histogram.max / 1e6),
      }),
    );
    expect(ms).toHaveLength(5);
  });
});
