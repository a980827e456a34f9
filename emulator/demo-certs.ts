/**
 * Generates certificate/key pairs at run time for the demo and the tests, so no key is ever committed.
 * RSA leaves are signed by a per-process demo CA (fullchain = leaf + CA, the shape P1AS expects);
 * EC leaves are self-signed, because the only use of them is to prove EC is refused.
 */
import { KeyObject, X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import forge from "node-forge";

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

let demoCa: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; pem: string } | undefined;

function rsaKeyPair(bits: number): { privatePem: string; forgeKey: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  return { privatePem, forgeKey, forgePublic: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function validity(cert: forge.pki.Certificate, daysValid: number, expired: boolean): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(expired ? now - (daysValid + 1) * DAY_MS : now - 60_000);
  cert.validity.notAfter = new Date(expired ? now - DAY_MS : now + daysValid * DAY_MS);
}

function serial(): string {
  // Positive 16-byte serial: the leading nibble is kept below 8 so DER doesn't read it as negative.
  return "0" + randomBytes(16).toString("hex").slice(1);
}

function ca(): NonNullable<typeof demoCa> {
  if (!demoCa) {
    const { forgeKey, forgePublic } = rsaKeyPair(2048);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forgePublic;
    cert.serialNumber = serial();
    validity(cert, 3650, false);
    const attrs = [{ name: "commonName", value: "p1as-cdktf demo CA (not for production)" }];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ]);
    cert.sign(forgeKey, forge.md.sha256.create());
    demoCa = { cert, key: forgeKey, pem: forge.pki.certificateToPem(cert) };
  }
  return demoCa;
}

function leafExtensions(options: MakeCertificateOptions): object[] {
  const names = [options.commonName, ...(options.altNames ?? [])];
  return [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: names.map((value) => ({ type: 2, value })) },
  ];
}

function rsaCertificate(options: MakeCertificateOptions): { fullchain: string; privkey: string } {
  const issuer = ca();
  const { privatePem, forgePublic } = rsaKeyPair(options.rsaModulusBits ?? 2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublic;
  cert.serialNumber = serial();
  validity(cert, options.daysValid ?? 90, options.expired ?? false);
  cert.setSubject([{ name: "commonName", value: options.commonName }]);
  cert.setIssuer(issuer.cert.subject.attributes);
  cert.setExtensions(leafExtensions(options));
  cert.sign(issuer.key, forge.md.sha256.create());
  return { fullchain: forge.pki.certificateToPem(cert) + issuer.pem, privkey: privatePem };
}

/**
 * node-forge can only put RSA keys into certificates, so an EC leaf is built from forge's RSA
 * TBSCertificate with the public key and algorithm swapped, then signed by node:crypto (ECDSA P-256).
 */
function ecCertificate(options: MakeCertificateOptions): { fullchain: string; privkey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const { forgeKey, forgePublic } = rsaKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublic;
  cert.serialNumber = serial();
  validity(cert, options.daysValid ?? 90, options.expired ?? false);
  const attrs = [{ name: "commonName", value: options.commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions(leafExtensions(options));
  cert.sign(forgeKey, forge.md.sha256.create()); // fills the fields getTBSCertificate needs
  const asn1 = forge.asn1;
  const ecdsaWithSha256 = () =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer("1.2.840.10045.4.3.2").getBytes()),
    ]);
  // getTBSCertificate exists in node-forge but is missing from its type definitions.
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pki.getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  // TBSCertificate: [0]version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, extensions
  fields[2] = ecdsaWithSha256();
  fields[6] = asn1.fromDer(forge.util.createBuffer(publicKey.export({ type: "spki", format: "der" }).toString("binary")));
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign("sha256", tbsDer, privateKey as KeyObject);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    ecdsaWithSha256(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\u0000" + signature.toString("binary")),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), "binary");
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").trim()}\n-----END CERTIFICATE-----\n`;
  return { fullchain: pem, privkey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** A fresh certificate/key pair; RSA signed by the demo CA unless `keyType: "ec"`. */
export function makeCertificate(options: MakeCertificateOptions): GeneratedCertificate {
  const pair = options.keyType === "ec" ? ecCertificate(options) : rsaCertificate(options);
  const leaf = new X509Certificate(pair.fullchain);
  // Sanity: the key we return must be the leaf's key, or every caller's test would lie.
  if (!leaf.checkPrivateKey(createPrivateKey(pair.privkey))) throw new Error("demo-certs: generated key does not match its certificate");
  return { ...pair, fingerprint: leaf.fingerprint256, notAfter: new Date(leaf.validTo) };
}
