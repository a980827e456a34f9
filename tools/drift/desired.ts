/**
 * What a synthesized stack declares: its certificates and hostnames (the `for_each` maps of the virtual-hosts
 * records in cdk.tf.json) and how to reach the API (the connection settings the driver would get). Reading the
 * synthesized JSON, not the config, means drift judges exactly what the next deploy would apply.
 */
import { readFileSync } from "node:fs";
import { RESOURCE_NAMES } from "../../driver/consts";
import {
  CertificateInput,
  ConnectionInput,
  HostnameInput,
  parseCertificateInput,
  parseConnectionInput,
  parseHostnameInput,
} from "../../driver/input";
import { SynthesizedStack } from "../synth-output";
import { showStateJson } from "../terraform";
import { CliError } from "../errors";

export interface DesiredVirtualHosts {
  readonly stack: string;
  /** How the driver reaches the API for this stack; drift and deploy's repair use the same. */
  readonly connection: ConnectionInput;
  readonly certificates: readonly CertificateInput[];
  readonly hostnames: readonly HostnameInput[];
}

interface DataResourceJson {
  readonly for_each?: Record<string, Record<string, unknown>>;
  readonly input?: unknown;
}

/**
 * The declared virtual hosts of a stack, every object checked by the driver's own input parser; undefined
 * for a stack without virtual hosts (pingone-directory).
 */
export async function desiredVirtualHosts(stack: SynthesizedStack, env: NodeJS.ProcessEnv = {}): Promise<DesiredVirtualHosts | undefined> {
  const json = JSON.parse(readFileSync(stack.configFile, "utf8"));
  const records: Record<string, DataResourceJson> = json?.resource?.terraform_data ?? {};
  const certificates = records[RESOURCE_NAMES.certificate];
  const hostnames = records[RESOURCE_NAMES.hostname];
  if (!certificates && !hostnames) return undefined;

  const literal = connectionLiteral(hostnames?.input ?? certificates?.input);
  const connection = literal.unresolved.length === 0 ? literal.values : await deployedConnection(stack, literal.unresolved, env);
  const objects = (resource: DataResourceJson | undefined) => Object.entries(resource?.for_each ?? {});
  return {
    stack: stack.name,
    connection: parseConnectionInput(JSON.stringify(connection), `${stack.name}: virtual-hosts connection`),
    certificates: objects(certificates).map(([name, value]) =>
      parseCertificateInput(JSON.stringify({ ...value, ...connection }), `${stack.name}: certificate ${name}`),
    ),
    hostnames: objects(hostnames).map(([hostname, value]) =>
      parseHostnameInput(JSON.stringify({ ...value, ...connection }), `${stack.name}: hostname ${hostname}`),
    ),
  };
}

/**
 * The construct writes `input` as `${merge(each.value, {"api_url" = "...", "client_id" = "...", ...})}`.
 * Literal strings and numbers are read here; anything else (a PingOne application's generated client id)
 * is a reference only the deployed state can resolve.
 */
export function connectionLiteral(input: unknown): { values: Record<string, unknown>; unresolved: string[] } {
  const body = typeof input === "string" ? /^\$\{merge\(each\.value, \{([\s\S]*)\}\)\}$/.exec(input)?.[1] : undefined;
  if (body === undefined) throw new CliError(`unexpected virtual-hosts input ${JSON.stringify(input)}: not the construct's merge(each.value, {...})`);
  const values: Record<string, unknown> = {};
  const unresolved: string[] = [];
  const pair = /"([a-z_]+)" = ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|[^,]+?)(?=, "[a-z_]+" = |$)/g;
  for (const [, key, raw] of body.matchAll(pair)) {
    if (/^"/.test(raw) && !/(^|[^$])\$\{/.test(raw)) values[key] = JSON.parse(raw).replace(/\$\$\{/g, "${");
    else if (/^(-?\d|true$|false$)/.test(raw)) values[key] = JSON.parse(raw);
    else unresolved.push(key);
  }
  return { values, unresolved };
}

/** The connection as the last deploy recorded it in `input` (read-only). */
async function deployedConnection(stack: SynthesizedStack, unresolved: readonly string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const resources: { type: string; name: string; values?: { input?: Record<string, unknown> } }[] =
    (await showStateJson(stack, env))?.values?.root_module?.resources ?? [];
  const names: string[] = Object.values(RESOURCE_NAMES);
  const deployed = resources.find((resource) => resource.type === "terraform_data" && names.includes(resource.name))?.values?.input;
  if (!deployed) {
    throw new CliError(
      `${unresolved.join(", ")} of ${stack.name} come from resources that are not deployed yet, so drift cannot reach the API. ` +
        "Deploy the stack once, or give the environment explicit credentials (clientId and clientSecretVariable).",
    );
  }
  return deployed;
}
