/**
 * go-plugin's start-up contract: the magic cookie proves terraform started us, PLUGIN_CLIENT_CERT carries
 * terraform's certificate for mutual TLS, and one stdout line tells terraform where to connect.
 */

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
export const CLIENT_CERT_ENV = "PLUGIN_CLIENT_CERT";

/** go-plugin's core protocol version, then Terraform's plugin protocol major version. */
const CORE_PROTOCOL_VERSION = 1;
export const PLUGIN_PROTOCOL_VERSION = 6;

/** Why the provider refuses to start; the message goes to stderr for whoever ran it. */
export class HandshakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HandshakeError";
  }
}

/** The client CA to require, after checking that terraform (or a stand-in) started this process. */
export function readHandshakeEnv(env: NodeJS.ProcessEnv): { readonly clientCertPem: string } {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    // go-plugin's wording, so the message is recognisable to anyone who has seen a Go provider refuse.
    throw new HandshakeError(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will\n" +
        "load any plugins automatically",
    );
  }
  const clientCertPem = env[CLIENT_CERT_ENV];
  if (!clientCertPem) {
    // Plain-text gRPC is what go-plugin falls back to here; we never serve without TLS.
    throw new HandshakeError(
      `${CLIENT_CERT_ENV} is not set: this provider only serves over mutual TLS, which terraform >= 0.12 sets up by itself.`,
    );
  }
  return { clientCertPem };
}

/** `1|6|tcp|127.0.0.1:<port>|grpc|<certificate>`: the certificate is base64 DER without padding. */
export function handshakeLine(port: number, certDer: Buffer): string {
  const cert = certDer.toString("base64").replace(/=+$/, "");
  return `${CORE_PROTOCOL_VERSION}|${PLUGIN_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${cert}`;
}
