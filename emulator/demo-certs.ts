/**
 * Generates certificate/key pairs at run time for the demo and the tests, so no key is ever committed.
 * RSA leaves are signed by a per-process demo CA (fullchain = leaf + CA, the shape P1AS expects);
 * EC leaves are self-signed, because the only use of them is to prove EC is refused.
 *
 * Keys and signatures come from node:crypto (OpenSSL); p1as/der.ts assembles the certificate. The tests make
 * these certificates in the process that also runs the emulator, so whatever this costs blocks the emulator's
 * event loop: node-forge's pure-JavaScript RSA signing took about a second a signature on Node 22 and 24 and
 * made the provider's requests time out (docs/reliability-and-security.md, "Node 22 and 24").
 */
import { KeyObject, X509Certificate, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import * as der from "../p1as/der";

export interface MakeCertificateOptions {
  /** Subject CN; also the first subjectAltName. */
  readonly commonName: string;
  /** Extra DNS subjectAltNames. @default - none */
  readonly altNames?: readonly string[];
  /** @default 90 */
  readonly daysValid?: number;
  /** @default "rsa" */
  readonly keyType?: "rsa" | "ec";
  /** @default 2048 */
  readonly rsaModulusBits?: number;
  /** Produce a certificate whose validity ended yesterday. @default false */
  readonly expired?: boolean;
}

export interface GeneratedCertificate {
  /** PEM: leaf first, then the issuing CA (RSA only). */
  readonly fullchain: string;
  /** PEM PKCS#8 private key of the leaf. Secret: never log it. */
  readonly privkey: string;
  /** Leaf fingerprint as `X509Certificate.fingerprint256` writes it. */
  readonly fingerprint: string;
  readonly notAfter: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const X509_V3 = Buffer.from([2]);
/** keyCertSign (bit 5), cRLSign (bit 6): 0000 0110, the last bit unused. */
const CA_KEY_USAGE = der.bitString(Buffer.from([0x06]), 1);
/** digitalSignature (bit 0), keyEncipherment (bit 2): 1010 0000, the last 5 bits unused. */
const LEAF_KEY_USAGE = der.bitString(Buffer.from([0xa0]), 5);

interface Issuer {
  readonly name: Buffer;
  readonly key: KeyObject;
  readonly pem: string;
}

let demoCa: Issuer | undefined;

function ca(): Issuer {
  if (!demoCa) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const name = distinguishedName("p1as-cdktf demo CA (not for production)");
    const extensions = [
      der.extension(der.OID.basicConstraints, true, der.sequence(der.boolean(true))),
      der.extension(der.OID.keyUsage, true, CA_KEY_USAGE),
    ];
    const certDer = signedCertificate(
      { subject: name, publicKey, validity: validity(3650, false), extensions },
      { name, key: privateKey },
    );
    demoCa = { name, key: privateKey, pem: new X509Certificate(certDer).toString() };
  }
  return demoCa;
}

interface ToBeSigned {
  readonly subject: Buffer;
  readonly publicKey: KeyObject;
  readonly validity: Buffer;
  readonly extensions: readonly Buffer[];
}

/** A v3 certificate signed by `issuer`'s key: SHA-256 with RSA (PKCS#1 v1.5) or ECDSA, by the key's type. */
function signedCertificate(tbs: ToBeSigned, issuer: Pick<Issuer, "name" | "key">): Buffer {
  const algorithm =
    issuer.key.asymmetricKeyType === "ec"
      ? der.sequence(der.objectIdentifier(der.OID.ecdsaWithSha256))
      : der.sequence(der.objectIdentifier(der.OID.sha256WithRSAEncryption), der.nullValue());
  const body = der.sequence(
    der.explicit(0, der.integer(X509_V3)),
    der.integer(der.serialNumber()),
    algorithm,
    issuer.name,
    tbs.validity,
    tbs.subject,
    tbs.publicKey.export({ type: "spki", format: "der" }),
    der.explicit(3, der.sequence(...tbs.extensions)),
  );
  return der.sequence(body, algorithm, der.bitString(sign("sha256", body, issuer.key)));
}

function validity(daysValid: number, expired: boolean): Buffer {
  const now = Date.now();
  const notBefore = new Date(expired ? now - (daysValid + 1) * DAY_MS : now - 60_000);
  const notAfter = new Date(expired ? now - DAY_MS : now + daysValid * DAY_MS);
  return der.sequence(der.utcTime(notBefore), der.utcTime(notAfter));
}

function distinguishedName(commonName: string): Buffer {
  return der.sequence(der.set(der.sequence(der.objectIdentifier(der.OID.commonName), der.utf8String(commonName))));
}

function leafExtensions(options: MakeCertificateOptions): Buffer[] {
  const names = [options.commonName, ...(options.altNames ?? [])];
  return [
    der.extension(der.OID.basicConstraints, false, der.sequence()),
    der.extension(der.OID.keyUsage, false, LEAF_KEY_USAGE),
    der.extension(der.OID.extKeyUsage, false, der.sequence(der.objectIdentifier(der.OID.serverAuth))),
    der.extension(
      der.OID.subjectAltName,
      false,
      der.sequence(...names.map((name) => der.implicit(2, Buffer.from(name, "utf8")))),
    ),
  ];
}

const pem = (key: KeyObject) => key.export({ type: "pkcs8", format: "pem" }).toString();

function rsaCertificate(options: MakeCertificateOptions): { fullchain: string; privkey: string } {
  const issuer = ca();
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: options.rsaModulusBits ?? 2048 });
  const tbs = {
    subject: distinguishedName(options.commonName),
    publicKey,
    validity: validity(options.daysValid ?? 90, options.expired ?? false),
    extensions: leafExtensions(options),
  };
  return {
    fullchain: new X509Certificate(signedCertificate(tbs, issuer)).toString() + issuer.pem,
    privkey: pem(privateKey),
  };
}

function ecCertificate(options: MakeCertificateOptions): { fullchain: string; privkey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const subject = distinguishedName(options.commonName);
  const tbs = {
    subject,
    publicKey,
    validity: validity(options.daysValid ?? 90, options.expired ?? false),
    extensions: leafExtensions(options),
  };
  return {
    fullchain: new X509Certificate(signedCertificate(tbs, { name: subject, key: privateKey })).toString(),
    privkey: pem(privateKey),
  };
}

/** A fresh certificate/key pair; RSA signed by the demo CA unless `keyType: "ec"`. */
export function makeCertificate(options: MakeCertificateOptions): GeneratedCertificate {
  const pair = options.keyType === "ec" ? ecCertificate(options) : rsaCertificate(options);
  const leaf = new X509Certificate(pair.fullchain);
  // Sanity: the key we return must be the leaf's key, or every caller's test would lie.
  if (!leaf.checkPrivateKey(createPrivateKey(pair.privkey)))
    throw new Error("demo-certs: generated key does not match its certificate");
  return { ...pair, fingerprint: leaf.fingerprint256, notAfter: new Date(leaf.validTo) };
}
