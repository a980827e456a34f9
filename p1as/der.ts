/**
 * The few ASN.1 DER encodings a certificate needs: the provider's go-plugin certificate and the demo and test
 * certificates. Small enough to own: loading node-forge for them cost about 40 ms at every provider start, and
 * its pure-JavaScript RSA signing blocked the event loop for a second a signature on Node 22 and 24.
 */
import { randomBytes } from "node:crypto";

function element(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

/** Short form below 128 bytes; otherwise 0x80 + the number of length bytes, then the length big-endian. */
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const sequence = (...items: Buffer[]) => element(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]) => element(0x31, Buffer.concat(items));
export const boolean = (value: boolean) => element(0x01, Buffer.from([value ? 0xff : 0x00]));
/** An unsigned big-endian integer; a leading zero byte keeps a set high bit from reading as negative. */
export const integer = (bytes: Buffer) =>
  element(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
export const bitString = (bytes: Buffer, unusedBits = 0) =>
  element(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const octetString = (bytes: Buffer) => element(0x04, bytes);
export const utf8String = (text: string) => element(0x0c, Buffer.from(text, "utf8"));
/** YYMMDDHHMMSSZ, valid until 2049, which covers any certificate made now for a day. */
export const utcTime = (date: Date) =>
  element(0x17, Buffer.from(date.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
/** [n] EXPLICIT: a constructed context-specific wrapper around complete elements. */
export const explicit = (n: number, ...items: Buffer[]) => element(0xa0 | n, Buffer.concat(items));
/** [n] IMPLICIT primitive: the content of a context-specific field such as a SAN's dNSName. */
export const implicit = (n: number, content: Buffer) => element(0x80 | n, content);

export function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128))
      base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return element(0x06, Buffer.from(bytes));
}
export const nullValue = () => Buffer.from([0x05, 0x00]);

/** The object identifiers the certificates in this project use. */
export const OID = {
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  organization: "2.5.4.10",
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

/** A certificate extension: its identifier, `critical` only when true (DER leaves out a default), the value. */
export function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A certificate serial: 16 random bytes, positive and with a non-zero first byte (Go's parser rejects a non-minimal DER integer). */
export function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes;
}
