/**
 * Where the driver finds what must never be in a Terraform attribute: the client secret and the
 * certificate's private key. Terraform starts provisioners with its own environment, so a value the
 * user exported as TF_VAR_<name> reaches the driver without passing through the plan or the state.
 */
import { execFileSync } from "node:child_process";
import { checkCertificatePair, sameFingerprint } from "../p1as/pem";
import { readPemFile } from "../p1as/pem-file";
import { CLIENT_SECRET_ENV, STACK_DIR_ENV } from "./consts";
import {
  certificateInvalid,
  clientSecretUnavailable,
  fileUnreadable,
  fingerprintChangedSincePlan,
  privateKeyUnavailable,
} from "./errors";
import { CertificateInput, ConnectionInput } from "./input";

/** Create time: the provisioner's own variable. Destroy time: TF_VAR_<name>, else the secret's resource in the state. */
export function clientSecret(input: ConnectionInput, env: NodeJS.ProcessEnv = process.env): string {
  const fromProvisioner = env[CLIENT_SECRET_ENV];
  if (fromProvisioner) return fromProvisioner;
  const fromVariable = input.client_secret_env ? env[input.client_secret_env] : undefined;
  if (fromVariable) return fromVariable;
  if (input.client_secret_address) {
    const fromState = stateAttribute(env[STACK_DIR_ENV], input.client_secret_address, env);
    if (fromState) return fromState;
  }
  throw clientSecretUnavailable(input.client_secret_env, input.client_secret_address);
}

/**
 * `terraform state pull` takes no lock, so it works while the apply or destroy that runs us holds one. A
 * destroy removes the stack's outputs before it destroys resources, but the secret's resource outlives
 * every object that depends on it, so the state still holds it when our destroy provisioners run.
 */
function stateAttribute(stackDir: string | undefined, address: string, env: NodeJS.ProcessEnv): string | undefined {
  const [type, name, ...attribute] = address.split(".");
  try {
    const state = JSON.parse(
      execFileSync("terraform", ["state", "pull"], { cwd: stackDir, env: { ...env, CHECKPOINT_DISABLE: "1" }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
    ) as { resources?: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] };
    const resource = state.resources?.find((r) => r.mode === "managed" && r.type === type && r.name === name);
    const value = attribute.reduce<unknown>((node, key) => unwrapDynamic((node as Record<string, unknown> | undefined)?.[key]), resource?.instances[0]?.attributes);
    return typeof value === "string" && value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The state keeps a dynamically typed attribute (terraform_data's `output`, say) as `{ value, type }`. */
function unwrapDynamic(node: unknown): unknown {
  const record = node as { value?: unknown; type?: unknown } | undefined;
  return record && typeof record === "object" && "value" in record && "type" in record && Object.keys(record).length === 2 ? record.value : node;
}

/** The pair as it is on disk now, checked, and proven to be the one the plan showed. */
export function certificatePair(input: CertificateInput, env: NodeJS.ProcessEnv = process.env): { fullchain: string; privkey: string } {
  const fullchain = readInputFile(input.name, "fullchain_file", input.fullchain_file);
  let privkey: string;
  if (input.private_key_file) {
    privkey = readInputFile(input.name, "private_key_file", input.private_key_file);
  } else {
    privkey = env[input.private_key_env] ?? "";
    if (!privkey) throw privateKeyUnavailable(input.name, input.private_key_env);
  }
  const check = checkCertificatePair({ fullchain, privkey });
  if (!check.ok) throw certificateInvalid(input.name, check.problems.map((problem) => `${problem.field} ${problem.reason}`));
  if (!sameFingerprint(check.info.sha256Fingerprint, input.sha256_fingerprint)) {
    throw fingerprintChangedSincePlan(input.name, input.fullchain_file, input.sha256_fingerprint, check.info.sha256Fingerprint);
  }
  return { fullchain, privkey };
}

function readInputFile(name: string, field: string, file: string): string {
  const read = readPemFile(file);
  if (!read.ok) throw fileUnreadable(name, field, file, read.reason);
  return read.text;
}
