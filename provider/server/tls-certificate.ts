/**
 * The self-signed certificate a provider presents for go-plugin's AutoMTLS. A new one is made at every start,
 * and terraform starts a provider about four times per apply, so it must be cheap: an EC P-256 key from
 * node:crypto takes under a millisecond where a 2048-bit RSA key takes a quarter of a second. The DER
 * structure is assembled by der.ts and signed by node:crypto.
 */
import { X509Certificate, generateKeyPairSync, sign } from "node:crypto";
import * as der from "../../p1as/der";

export interface SelfSignedCertificate {
  /** PEM certificate, for TLS and for a client's trust store. */
  readonly certPem: string;
  /** DER certificate, for the handshake line. */
  readonly certDer: Buffer;
  /** PEM private key (PKCS#8). */
  readonly keyPem: string;
}

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
  const name = der.sequence(rdn(der.OID.organization, "HashiCorp"), rdn(der.OID.commonName, commonName));
  const signatureAlgorithm = der.sequence(der.objectIdentifier(der.OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.integer(X509_V3)),
    der.integer(der.serialNumber()),
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
    der.extension(der.OID.basicConstraints, true, der.sequence(der.boolean(true))),
    der.extension(der.OID.keyUsage, true, KEY_USAGE),
    der.extension(
      der.OID.extKeyUsage,
      false,
      der.sequence(der.objectIdentifier(der.OID.serverAuth), der.objectIdentifier(der.OID.clientAuth)),
    ),
    der.extension(der.OID.subjectAltName, false, altNames),
  ];
}

function rdn(type: string, value: string): Buffer {
  return der.set(der.sequence(der.objectIdentifier(type), der.utf8String(value)));
}
