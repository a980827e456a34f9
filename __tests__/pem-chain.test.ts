/**
 * A certificate chain is PEM blocks only. Text outside the blocks goes verbatim into the configuration and
 * from there into plans, where it can pose as terraform's own lines ("... will be destroyed"), so it is
 * refused wherever a chain is checked (construct, client, provider and emulator share parseFullchain),
 * naming the lines and never quoting them.
 */
import { checkCertificatePair, parseFullchain } from "../p1as/pem";
import { makeCertificate } from "./support/certs";

const certificate = makeCertificate({ commonName: "auth.dev.acme.example" });
const chainLines = certificate.fullchain.trimEnd().split("\n").length;

describe("a chain with text outside its PEM blocks", () => {
  test.each([
    [
      "a faked plan line after the blocks",
      `${certificate.fullchain}  # p1as_hostname.auth will be destroyed\n`,
      `line ${chainLines + 1} holds`,
    ],
    [
      "openssl's subject and issuer lines before the blocks",
      `subject=CN = a\nissuer=CN = b\n${certificate.fullchain}`,
      "lines 1 and 2 hold",
    ],
    ["text on a BEGIN line", certificate.fullchain.replace("-----BEGIN", "x-----BEGIN"), "line 1 holds"],
    ["many lines", `${"junk\n".repeat(8)}${certificate.fullchain}`, "lines 1, 2, 3, 4, 5 and 3 more hold"],
    [
      "the JSON-escaped one-line form with a line after it",
      `${certificate.fullchain}EOT\n`.replace(/\n/g, "\\n"),
      `line ${chainLines + 1} holds`,
    ],
  ])("fails for %s, naming the lines and never quoting them", (_label, fullchain, where) => {
    // WHEN
    const { problems, certificates } = parseFullchain(fullchain);
    // THEN one problem names the lines and the reason; the certificates are still read (fingerprint and expiry)
    expect(problems).toEqual([
      {
        field: "fullchain",
        reason: `must hold only PEM blocks: ${where} text outside them (it would show in plans as if terraform had printed it); keep only the BEGIN CERTIFICATE to END CERTIFICATE blocks`,
      },
    ]);
    expect(certificates.length).toBeGreaterThan(0);
    expect(problems[0].reason).not.toMatch(/destroyed|subject=|junk|EOT/);
    // AND the pair check, which every sender runs, refuses it
    expect(checkCertificatePair({ fullchain, privkey: certificate.privkey }).ok).toBe(false);
  });

  test.each([
    ["the chain as written", certificate.fullchain],
    [
      "blank lines and CRLF line ends between and around the blocks",
      `\r\n\r\n${certificate.fullchain.replace(/\n/g, "\r\n")}\r\n  \r\n`,
    ],
    ["the JSON-escaped one-line form", certificate.fullchain.replace(/\n/g, "\\n")],
  ])("accepts %s", (_label, fullchain) => {
    expect(parseFullchain(fullchain).problems).toEqual([]);
    expect(checkCertificatePair({ fullchain, privkey: certificate.privkey }).ok).toBe(true);
  });
});
