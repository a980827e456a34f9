/**
 * Where each environment's secrets come from: our naming convention, not a PingOne or P1AS fact. Each name
 * carries its environment, so a config can never hand one environment's secret to another's stack, and CI maps
 * GitHub secrets of the same names one to one (docs/tasks/run-in-ci.md).
 *
 * Client secrets are environment variables that the p1as provider process reads itself, not Terraform variables:
 * an ephemeral Terraform variable left unset while planning must stay unset while applying (terraform 1.11 refuses
 * the saved plan otherwise), so plans that hold only the read client could never be applied with the write client.
 */
import type { P1asEnvironment, SelfServiceLevel } from "./facts";

/** Upper case and under P1AS_: a provider block can't be made to read AWS_SECRET_ACCESS_KEY or PINGONE_CLIENT_SECRET. */
export const SECRET_ENV_NAME = /^P1AS_[A-Z0-9_]+$/;

/** `P1AS_<ENV>_`: the prefix of every secret environment variable of one environment. */
export const secretEnvPrefix = (environment: P1asEnvironment) => `P1AS_${environment.toUpperCase()}_`;

/** `p1as_<env>_`: the prefix of every secret Terraform variable (private keys) of one environment. */
export const secretVariablePrefix = (environment: P1asEnvironment) => `p1as_${environment}_`;

/** Default variable of a client secret: `P1AS_<ENV>_CLIENT_SECRET` (write) or `P1AS_<ENV>_AUDIT_CLIENT_SECRET` (read). */
export function clientSecretEnv(environment: P1asEnvironment, level: SelfServiceLevel): string {
  return `${secretEnvPrefix(environment)}${level === "audit" ? "AUDIT_" : ""}CLIENT_SECRET`;
}

/** A variable a provider may read a client secret from. */
export function secretEnvNameProblems(value: string): string[] {
  return SECRET_ENV_NAME.test(value)
    ? []
    : ["must be an environment variable name of upper-case letters, digits and '_' that starts with P1AS_"];
}

/** One environment's own secret environment variable. */
export function environmentSecretEnvProblems(environment: P1asEnvironment, value: string): string[] {
  const problems = secretEnvNameProblems(value);
  const prefix = secretEnvPrefix(environment);
  if (!value.startsWith(prefix))
    problems.push(
      `must start with ${prefix}: an environment reads only its own secrets (e.g. ${clientSecretEnv(environment, "admin")})`,
    );
  return problems;
}

/** One environment's own secret Terraform variable. */
export function environmentVariableProblems(environment: P1asEnvironment, value: string): string[] {
  const prefix = secretVariablePrefix(environment);
  return value.startsWith(prefix)
    ? []
    : [`must start with ${prefix}: an environment reads only its own secrets (e.g. ${prefix}wildcard_key)`];
}
