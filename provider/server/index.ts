export { serve, startServer } from "./serve";
export type { RunningServer, ServeOptions } from "./serve";
export { generateSelfSignedCertificate } from "./certificate";
export type { SelfSignedCertificate } from "./certificate";
export { CLIENT_CERT_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, HandshakeError } from "./handshake";
