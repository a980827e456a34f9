/**
 * After a stack is applied: what its self-service API holds that its configuration does not declare. A deploy
 * killed after the API committed a create, and before terraform recorded it, leaves such an object when the
 * next deploy no longer declares it: no state knows it, so no apply will ever delete it. The next deploy adopts
 * it while it is declared; once it is not, this says so, with the command that deletes it. It is never deleted
 * here: an object made by hand on purpose looks the same.
 */
import { readFileSync } from "node:fs";
import { shellWord } from "../../cli-kit/escape";
import { PROVIDER_ENV, SECRET_ENV_DEFAULTS } from "../../provider/public-face";
import { StatusCollector } from "../status/model";
import { literal, targetOf } from "../status/targets";
import type { SynthesizedStack } from "../terraform/synth-output";

/** One line per undeclared certificate or hostname, each with its delete command; or one line saying why none could be looked for. */
export async function undeclaredObjects(
  stack: Pick<SynthesizedStack, "name" | "configFile">,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const synthesized = JSON.parse(readFileSync(stack.configFile, "utf8"));
  const problems: string[] = [];
  const target = targetOf(stack.name, stack.name, synthesized, env, problems);
  if (!target.connection)
    return problems.length > 0
      ? [`${stack.name}: not checked for objects this configuration does not declare: ${problems.join("; ")}`]
      : [];
  const report = await new StatusCollector([target], { log: () => {} }).collect();
  const [environment] = report.environments;
  if (environment.error)
    return [`${stack.name}: not checked for objects this configuration does not declare: ${environment.error}`];
  const command = deleteCommand(
    synthesized.provider.p1as[0],
    target.connection.apiUrl,
    target.connection.tokenUrl,
    env,
  );
  return environment.rows
    .filter((row) => row.sync === "not-managed")
    .map(
      (row) =>
        `${stack.name}: ${row.kind} ${row.key} is in the API but not declared here (left by a deploy killed before it recorded it, or made by hand); ` +
        `to delete it: ${command(`${row.kind}s`, row.key)}`,
    );
}

/** The p1as CLI's delete, with the write client of the stack's provider block; its secret by reference to the variable that holds it, never its value. */
function deleteCommand(
  block: Record<string, unknown>,
  apiUrl: string,
  tokenUrl: string,
  env: NodeJS.ProcessEnv,
): (collection: string, key: string) => string {
  const application = literal(block.pingone_application) || env[PROVIDER_ENV.pingone_application];
  const clientId = application
    ? `<client id of PingOne application ${application}>`
    : literal(block.client_id) || env[PROVIDER_ENV.client_id] || "<write client id>";
  const secretVariable = literal(block.client_secret_env) || SECRET_ENV_DEFAULTS.client_secret;
  const assignments = [
    `P1AS_API_URL=${shellWord(apiUrl)}`,
    `P1AS_TOKEN_URL=${shellWord(tokenUrl)}`,
    `P1AS_CLIENT_ID=${shellWord(clientId)}`,
    ...(secretVariable === SECRET_ENV_DEFAULTS.client_secret ? [] : [`P1AS_CLIENT_SECRET="$${secretVariable}"`]),
  ];
  return (collection, key) => `${assignments.join(" ")} npm run p1as -- ${collection} delete ${shellWord(key)}`;
}
