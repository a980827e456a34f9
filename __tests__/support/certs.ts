/**
 * Test certificates, generated at run time (never committed). Thin re-export of the runtime generator
 * the demo uses, so tests and demo exercise the same code.
 */
export { makeCertificate } from "../../emulator/demo-certs";
export type { GeneratedCertificate, MakeCertificateOptions } from "../../emulator/demo-certs";
