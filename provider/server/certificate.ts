/**
 * The self-signed certificate a provider presents for go-plugin's AutoMTLS. A new one is made at every start,
 * and terraform starts a provider about four times per apply, so it must be cheap: an EC P-256 key from
 * node:crypto takes under a millisecond where a 2048-bit RSA key takes a quarter of a second. The DER
 * structure is assembled by der.ts and signed by node:crypto.
 */
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import * as der from "../../p1as/der";

export interface SelfSignedCertificate {
  /** PEM certificate, for TLS and for a client's trust store. */
  readonly certPem: string;
  /** DER certificate, for the handshake line. */
  readonly certDer: Buffer;
  /** PEM private key (PKCS#8). */
  readonly keyPem: string;
}

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
/** The certificate lives as long as the process that made it; a day is plenty. */
const LIFETIME_MS = 24 * 60 * 60 * 1000;
/** digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5): 1010 0100, the last 2 bits unused. */
const KEY_USAGE = der.bitString(Buffer.from([0xa4]), 2);
const X509_V3 = Buffer.from([2]);
const LOCALHOST_IP = Buffer.from([127, 0, 0, 1]);

/**
 * A certificate for `localhost` and 127.0.0.1 that is its own CA and may serve as client and server, which
 * is what terraform (go-plugin) accepts and what a test client can present as PLUGIN_CLIENT_CERT.
 */
export function generateSelfSignedCertificate(commonName = "localhost"): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  const name = der.sequence(rdn(OID.organization, "HashiCorp"), rdn(OID.commonName, commonName));
  const signatureAlgorithm = der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.integer(X509_V3)),
    der.integer(serialNumber()),
    signatureAlgorithm,
    name,
    der.sequence(der.utcTime(new Date(now - CLOCK_SKEW_MS)), der.utcTime(new Date(now + LIFETIME_MS))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    der.explicit(3, der.sequence(...extensions())),
  );
  const certDer = der.sequence(tbs, signatureAlgorithm, der.bitString(sign("sha256", tbs, privateKey)));
  return {
    certDer,
    certPem: new X509Certificate(certDer).toString(),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function extensions(): Buffer[] {
  const altNames = der.sequence(der.implicit(2, Buffer.from("localhost")), der.implicit(7, LOCALHOST_IP));
  return [
    extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
    extension(OID.keyUsage, true, KEY_USAGE),
    extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth), der.objectIdentifier(OID.clientAuth))),
    extension(OID.subjectAltName, false, altNames),
  ];
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function rdn(type: string, value: string): Buffer {
  return der.set(der.sequence(der.objectIdentifier(type), der.utf8String(value)));
}

/** 16 random bytes, positive and with a non-zero first byte: Go's parser rejects a non-minimal DER integer. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes;
}
