/**
 * What a synthesized stack declares: its certificates and hostnames (the `for_each` maps of the virtual-hosts
 * records in cdk.tf.json) and how to reach the API (the connection settings the driver would get). Reading the
 * synthesized JSON, not the config, means drift judges exactly what the next deploy would apply.
 */
import { readFileSync } from "node:fs";
import { readTemplateLiteral } from "../../constructs/terraform-literal";
import { CONNECTION_LOCAL, RESOURCE_NAMES } from "../../driver/consts";
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

  const literal = connectionLiteral(json?.locals?.[CONNECTION_LOCAL]);
  const connection = literal.unresolved.length === 0 ? literal.values : await deployedConnection(stack, literal.unresolved, env);
  // Per-object values are template literals too: read them back as the text they stand for.
  const objects = (resource: DataResourceJson | undefined) =>
    Object.entries(resource?.for_each ?? {}).map(([key, value]) => [key, literalValues(value)] as const);
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
 * The construct keeps the connection in the `p1as_connection` local, as template literals. Literal strings
 * and numbers are read here; anything else (a PingOne application's generated client id) is a reference
 * only the deployed state can resolve.
 */
export function connectionLiteral(connection: unknown): { values: Record<string, unknown>; unresolved: string[] } {
  if (connection === null || typeof connection !== "object") {
    throw new CliError(`unexpected virtual-hosts connection ${JSON.stringify(connection)}: not the construct's p1as_connection local`);
  }
  const values: Record<string, unknown> = {};
  const unresolved: string[] = [];
  for (const [key, raw] of Object.entries(connection)) {
    const value = typeof raw === "string" ? readTemplateLiteral(raw) : raw;
    if (value === undefined) unresolved.push(key);
    else values[key] = value;
  }
  return { values, unresolved };
}

function literalValues(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === "string" ? (readTemplateLiteral(item) ?? item) : item]));
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
