export { serve, startServer } from "./serve";
export type { RunningServer, ServeOptions } from "./serve";
export { generateSelfSignedCertificate } from "./tls-certificate";
export type { SelfSignedCertificate } from "./tls-certificate";
export { CLIENT_CERT_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, HandshakeError } from "./handshake";
