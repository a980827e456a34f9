/**
 * The self-signed certificate a provider presents for go-plugin's AutoMTLS. A new one is made at every start,
 * and terraform starts a provider about four times per apply, so it must be cheap: an EC P-256 key from
 * node:crypto takes under a millisecond where a 2048-bit RSA key takes a quarter of a second. node-forge
 * cannot sign with EC keys, so forge only assembles the DER structure and node:crypto signs it.
 */
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import * as forge from "node-forge";

export interface SelfSignedCertificate {
  /** PEM certificate, for TLS and for a client's trust store. */
  readonly certPem: string;
  /** DER certificate, for the handshake line. */
  readonly certDer: Buffer;
  /** PEM private key (PKCS#8). */
  readonly keyPem: string;
}

const { asn1 } = forge;
const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  organization: "2.5.4.10",
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};
/** Certificates start a little in the past so that a peer's clock running behind still accepts them. */
const CLOCK_SKEW_MS = 30_000;
/** go-plugin's own certificates last as long as the process that made them needs; a day is plenty. */
const LIFETIME_MS = 24 * 60 * 60 * 1000;
/** digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5); the last two bits are unused. */
const KEY_USAGE_BITS = "\x02\xa4";

/**
 * A certificate for `localhost` and 127.0.0.1 that is its own CA and may serve as client and server, which
 * is what terraform (go-plugin) accepts and what a test client can present as PLUGIN_CLIENT_CERT.
 */
export function generateSelfSignedCertificate(commonName = "localhost"): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  const name = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    rdn(OID.organization, "HashiCorp"),
    rdn(OID.commonName, commonName),
  ]);
  const tbs = sequence([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, "\x02")]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, serialNumber()),
    signatureAlgorithm(),
    name,
    sequence([utcTime(new Date(now - CLOCK_SKEW_MS)), utcTime(new Date(now + LIFETIME_MS))]),
    name,
    asn1.fromDer(forge.util.createBuffer(publicKey.export({ type: "spki", format: "der" }).toString("binary"))),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [sequence(extensions())]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign("sha256", tbsDer, privateKey);
  const certificate = sequence([
    tbs,
    signatureAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\x00" + signature.toString("binary")),
  ]);
  const certDer = Buffer.from(asn1.toDer(certificate).getBytes(), "binary");
  return { certDer, certPem: new X509Certificate(certDer).toString(), keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

function extensions(): forge.asn1.Asn1[] {
  const caTrue = sequence([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, "\xff")]);
  const keyUsage = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, KEY_USAGE_BITS);
  const extKeyUsage = sequence([oid(OID.serverAuth), oid(OID.clientAuth)]);
  const altNames = sequence([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, "localhost"), // dNSName
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, "\x7f\x00\x00\x01"), // iPAddress
  ]);
  return [
    extension(OID.basicConstraints, true, caTrue),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extKeyUsage, false, extKeyUsage),
    extension(OID.subjectAltName, false, altNames),
  ];
}

function extension(id: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([
    oid(id),
    ...(critical ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, "\xff")] : []),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

function rdn(type: string, value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
    sequence([oid(type), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, value)]),
  ]);
}

function signatureAlgorithm(): forge.asn1.Asn1 {
  return sequence([oid(OID.ecdsaWithSha256)]);
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function oid(id: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
}

function utcTime(date: Date): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date));
}

/** A positive 16-byte serial: the leading bit is cleared so DER does not read it as negative. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString("binary");
}

