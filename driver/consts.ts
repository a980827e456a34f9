/**
 * Names shared by the VirtualHosts construct (which writes them into Terraform JSON) and the driver
 * (which reads them at apply time). Both import this module, so a rename can't split them.
 */

/** The `locals` entry holding the connection settings every virtual-hosts object's input shares. */
export const CONNECTION_LOCAL = "p1as_connection";

/** Provisioner sub-commands: `node dist/driver/main.js <command>`. */
export const DRIVER_COMMANDS = {
  certificateCreate: "certificate-create",
  certificateContent: "certificate-content",
  certificateDelete: "certificate-delete",
  hostnameCreate: "hostname-create",
  hostnameRouting: "hostname-routing",
  hostnameDelete: "hostname-delete",
} as const;
export type DriverCommand = (typeof DRIVER_COMMANDS)[keyof typeof DRIVER_COMMANDS];

/** The driver input: `jsonencode(self.input)` of the resource whose provisioner runs. */
export const DRIVER_INPUT_ENV = "P1AS_DRIVER_INPUT";

/**
 * Create-time only: the client secret when it is not a Terraform variable (the orchestration
 * client's generated secret). Destroy provisioners can't reference it; see `client_secret_address`.
 */
export const CLIENT_SECRET_ENV = "P1AS_CLIENT_SECRET";

/**
 * The stack's directory (terraform's `path.cwd`), where the destroy-time driver runs `terraform output`.
 * An environment variable rather than an input key, so the plan does not change with the output directory.
 */
export const STACK_DIR_ENV = "P1AS_STACK_DIR";

/**
 * Create-time only: the directory of this run's same-run markers (driver/run-markers.ts),
 * `<stack dir>/.p1as-run/<sha256(run id|plantimestamp())>`, or empty when the run has no id.
 */
export const RUN_DIR_ENV = "P1AS_RUN_DIR";
/**
 * Terraform variable holding a run id that must differ between applies (our tools pass a new UUID as
 * TF_VAR_p1as_run_id). `plantimestamp()` alone has one-second resolution, so two applies in one second
 * would share markers. Without it (default "") every content/routing step runs the driver.
 */
export const RUN_ID_VARIABLE = "p1as_run_id";
export const RUN_MARKERS_DIR = ".p1as-run";

/**
 * The input format version. Destroy provisioners replay the input of whatever release created the
 * object, so the driver must keep reading every version it ever shipped.
 */
export const INPUT_VERSION = 1;

/** Keys of the driver input (snake_case: they are Terraform attribute names shown in the plan). */
export const INPUT_KEYS = {
  version: "version",
  apiUrl: "api_url",
  tokenUrl: "token_url",
  clientId: "client_id",
  scope: "scope",
  /** Name of the environment variable (`TF_VAR_<name>`) holding the client secret. */
  clientSecretEnv: "client_secret_env",
  /** Address of the resource attribute holding a generated client secret (`<type>.<name>.<attribute>`), read from the state at destroy. */
  clientSecretAddress: "client_secret_address",
  pollIntervalMs: "poll_interval_ms",
  readyTimeoutMs: "ready_timeout_ms",
  /** Budget of one API or token request including its retries. Absent in inputs written before it existed. */
  requestTimeoutMs: "request_timeout_ms",
  // certificates
  name: "name",
  fullchainFile: "fullchain_file",
  privateKeyFile: "private_key_file",
  /** Name of the environment variable (`TF_VAR_<name>`) holding the private key. */
  privateKeyEnv: "private_key_env",
  sha256Fingerprint: "sha256_fingerprint",
  notAfter: "not_after",
  // hostnames
  hostname: "hostname",
  product: "product",
  certname: "certname",
  adopt: "adopt",
} as const;

/** Terraform resource names (the logical ids the construct forces), so addresses read `terraform_data.p1as_hostname["auth.dev.acme.example"]`. */
export const RESOURCE_NAMES = {
  certificate: "p1as_certificate",
  certificateContent: "p1as_certificate_content",
  hostname: "p1as_hostname",
  hostnameRouting: "p1as_hostname_routing",
} as const;

/** Terraform passes variables to itself as `TF_VAR_<name>`; the driver inherits terraform's environment. */
export function terraformVariableEnv(variableName: string): string {
  return `TF_VAR_${variableName}`;
}
