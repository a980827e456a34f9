/**
 * Local certificate and key checks with node:crypto, shared by the client, the constructs and the
 * emulator. Callers get structured problems (field + reason) so they can name the field at fault.
 * Nothing here ever puts key material into a reason.
 */
import { KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { ACCEPTED_KEY_TYPES, RSA_MIN_MODULUS_BITS } from "./assumptions";

export type PemField = "fullchain" | "privkey";

export interface PemProblem {
  readonly field: PemField;
  readonly reason: string;
}

/** What the checks learned about a good pair; safe to log (no key material). */
export interface CertificateInfo {
  /** Leaf certificate's SHA-256 fingerprint, as `X509Certificate.fingerprint256` writes it. */
  readonly sha256Fingerprint: string;
  /** Leaf certificate's expiry. */
  readonly notAfter: Date;
  readonly subject: string;
  /** Number of certificates in `fullchain`. */
  readonly chainLength: number;
}

export type PemCheck =
  | { readonly ok: true; readonly info: CertificateInfo }
  | { readonly ok: false; readonly problems: readonly PemProblem[] };

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END \1?PRIVATE KEY-----/;

/**
 * The docs ask for PEM as a single line with `\n` escapes (what JSON encoding produces). People paste
 * that escaped form into files too, so turn literal `\n` back into newlines before parsing.
 */
export function normalizePem(pem: string): string {
  return pem.includes("\\n") && !pem.includes("\n") ? pem.replace(/(\\r)?\\n/g, "\n") : pem;
}

/** Fingerprints compare equal whatever their case and separators. */
export function sameFingerprint(a: string, b: string): boolean {
  const canonical = (value: string) => value.replace(/[^0-9a-f]/gi, "").toLowerCase();
  return canonical(a) === canonical(b);
}

/** The label of every PEM block (`CERTIFICATE`, `PRIVATE KEY`, ...), in order. */
const blockLabels = (pem: string) => [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);

/** A whole PEM block of any label, from its BEGIN line to the matching END line. */
const ANY_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The 1-based numbers of the lines that hold anything but whitespace outside every PEM block. */
function linesOutsideBlocks(pem: string): number[] {
  // Blocks are blanked character by character, so the line numbers of what is left stay those of the file.
  const outside = pem.replace(ANY_BLOCK, (block) => block.replace(/[^\n]/g, " "));
  return outside.split("\n").flatMap((line, index) => (line.trim() === "" ? [] : [index + 1]));
}

/** "line 3", "lines 1, 2 and 7", "lines 1, 2, 3, 4, 5 and 9 more". */
function lineList(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = lines.slice(0, lines.length > 6 ? 5 : lines.length - 1);
  const rest = lines.length > 6 ? `${lines.length - shown.length} more` : String(lines[lines.length - 1]);
  return `lines ${shown.join(", ")} and ${rest}`;
}

/** Human names of node:crypto's key types, for messages that say which key was given. */
const KEY_TYPE_NAMES: Record<string, string> = {
  rsa: "RSA",
  "rsa-pss": "RSA-PSS",
  ec: "EC",
  dsa: "DSA",
  dh: "DH",
  ed25519: "Ed25519",
  ed448: "Ed448",
  x25519: "X25519",
  x448: "X448",
};

/** What a non-RSA key is and why it is refused: EC is named by the P1AS docs, the others simply are not RSA. */
function keyTypeReason(type: string): string {
  const name = KEY_TYPE_NAMES[type] ?? type;
  return type === "ec"
    ? "an EC key: P1AS self-service does not support EC certificates (they need a service request)"
    : `an ${name} key: P1AS self-service accepts RSA keys only`;
}

/**
 * Parses every CERTIFICATE block of a fullchain; the first is the leaf. Any other block is refused, and so is
 * text outside the blocks (openssl's `subject=` lines, comments): the chain goes verbatim into the
 * configuration, so such text would reach plans and review comments as if terraform had printed it.
 * The text itself is never quoted: it could be anything, key material included.
 */
export function parseFullchain(fullchain: string): { certificates: X509Certificate[]; problems: PemProblem[] } {
  const problems: PemProblem[] = [];
  const pem = normalizePem(fullchain);
  // A file with no block at all is simply not PEM; that is said below, once.
  const outside = blockLabels(pem).length > 0 ? linesOutsideBlocks(pem) : [];
  if (outside.length > 0) {
    const where = lineList(outside);
    problems.push({
      field: "fullchain",
      reason: `must hold only PEM blocks: ${where} ${outside.length === 1 ? "holds" : "hold"} text outside them (it would show in plans as if terraform had printed it); keep only the BEGIN CERTIFICATE to END CERTIFICATE blocks`,
    });
  }
  blockLabels(pem).forEach((label, index) => {
    if (label === "CERTIFICATE") return;
    // A key in the chain would be uploaded in the `fullchain` field, which is not treated as secret.
    const advice = label.includes("PRIVATE KEY") ? ": keep the private key in its own file" : "";
    problems.push({
      field: "fullchain",
      reason: `must hold only CERTIFICATE blocks (block #${index + 1} is a ${label}${advice})`,
    });
  });
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    return {
      certificates: [],
      problems: [...problems, { field: "fullchain", reason: "must hold at least one PEM 'BEGIN CERTIFICATE' block" }],
    };
  }
  const certificates: X509Certificate[] = [];
  blocks.forEach((block, index) => {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      problems.push({ field: "fullchain", reason: `certificate #${index + 1} is not a parseable X.509 certificate` });
    }
  });
  return { certificates, problems };
}

/** Parses an unencrypted RSA private key of at least the assumed size. */
export function parsePrivateKey(privkey: string): { key?: KeyObject; problems: PemProblem[] } {
  const problem = (reason: string) => ({ problems: [{ field: "privkey" as const, reason }] });
  const pem = normalizePem(privkey);
  const labels = blockLabels(pem);
  if (labels.length > 1)
    return problem(`must hold exactly one PEM block (found ${labels.length}: ${labels.join(", ")})`);
  const label = labels[0] ?? "";
  if (label === "OPENSSH PRIVATE KEY")
    return problem("is an OpenSSH-format key: P1AS needs a PEM RSA key (convert it with ssh-keygen -p -m PEM)");
  if (label === "DSA PRIVATE KEY") return problem(`is ${keyTypeReason("dsa")}`);
  const block = pem.match(PRIVATE_KEY_BLOCK);
  if (!block) return problem("must be a PEM private key block (type PRIVATE KEY or RSA PRIVATE KEY)");
  if (block[1] === "ENCRYPTED ") return problem("must not be encrypted (P1AS needs the plain key)");
  let key: KeyObject;
  try {
    key = createPrivateKey(block[0]);
  } catch {
    return problem("is not a parseable private key");
  }
  const problems: PemProblem[] = [];
  const type = key.asymmetricKeyType ?? "unknown";
  if (!(ACCEPTED_KEY_TYPES as readonly string[]).includes(type)) {
    problems.push({ field: "privkey", reason: `is ${keyTypeReason(type)}` });
  } else if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_MIN_MODULUS_BITS) {
    problems.push({
      field: "privkey",
      reason: `RSA key must be at least ${RSA_MIN_MODULUS_BITS} bits (got ${key.asymmetricKeyDetails?.modulusLength})`,
    });
  }
  return { key, problems };
}

/**
 * Every check a certificate/key pair must pass before it is sent: PEM, RSA, leaf not expired and not
 * yet-to-come, chain in leaf-first order, key matching the leaf.
 */
export function checkCertificatePair(pair: { fullchain: string; privkey: string }, now: Date = new Date()): PemCheck {
  const { certificates, problems } = parseFullchain(pair.fullchain);
  const parsedKey = parsePrivateKey(pair.privkey);
  problems.push(...parsedKey.problems);
  const leaf = certificates[0];
  if (leaf) {
    const leafType = leaf.publicKey.asymmetricKeyType ?? "unknown";
    if (!(ACCEPTED_KEY_TYPES as readonly string[]).includes(leafType)) {
      problems.push({ field: "fullchain", reason: `leaf certificate has ${keyTypeReason(leafType)}` });
    }
    if (new Date(leaf.validTo) <= now)
      problems.push({
        field: "fullchain",
        reason: `leaf certificate expired on ${new Date(leaf.validTo).toISOString()}`,
      });
    if (new Date(leaf.validFrom) > now)
      problems.push({
        field: "fullchain",
        reason: `leaf certificate is not valid before ${new Date(leaf.validFrom).toISOString()}`,
      });
    for (let i = 0; i + 1 < certificates.length; i++) {
      if (!certificates[i].checkIssued(certificates[i + 1])) {
        problems.push({
          field: "fullchain",
          reason: `certificate #${i + 1} is not issued by certificate #${i + 2}; order the chain leaf first`,
        });
      }
    }
    if (parsedKey.key && parsedKey.problems.length === 0 && !leaf.checkPrivateKey(parsedKey.key)) {
      problems.push({ field: "privkey", reason: "does not match the leaf certificate of fullchain" });
    }
  }
  if (problems.length > 0 || !leaf) return { ok: false, problems };
  return {
    ok: true,
    info: {
      sha256Fingerprint: leaf.fingerprint256,
      notAfter: new Date(leaf.validTo),
      subject: leaf.subject,
      chainLength: certificates.length,
    },
  };
}

/** Groups problems by field, the shape error factories want ("one error per field, every rule"). */
export function problemsByField(problems: readonly PemProblem[]): Map<PemField, string[]> {
  const byField = new Map<PemField, string[]>();
  for (const { field, reason } of problems) byField.set(field, [...(byField.get(field) ?? []), reason]);
  return byField;
}
