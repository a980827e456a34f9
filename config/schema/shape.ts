/**
 * The config file's shape (zod): every field with its type and its own rules. One config file describes one
 * customer: its PingOne environment and the P1AS environments (one `p1as-<name>` stack each).
 *
 * Field rules live in p1as/rules.ts so constructs judge values exactly as the config does. Rules that span fields
 * are in ./rules.ts, the documented defaults in ./defaults.ts.
 */
import { z } from "zod";
import { API_CONTRACTS } from "../../client/connect";
import { P1AS_ENVIRONMENTS, PINGONE_REGION_CODES, PRODUCTS, PingOneRegionCode } from "../../p1as/facts";
import { certnameProblems, hostnameProblems } from "../../p1as/hostname";
import {
  accessTokenValidityProblems,
  audienceProblems,
  clientIdProblems,
  dnsLabelProblems,
  expressionLiteralProblems,
  ALL_ENVIRONMENT_ROLES_OPT_IN,
  pingOneNameProblems,
  scopeNameProblems,
  serviceUrlProblems,
  uuidProblems,
  variableNameProblems,
} from "../../p1as/rules";
import { connStrProblems } from "../pg-connection";

/** Turns a p1as/rules.ts check into zod issues, one per broken rule. */
function rule<T>(check: (value: T) => string[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    for (const message of check(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  };
}

const nonEmpty = z.string().trim().min(1, "must not be empty");
const clientId = z.string().superRefine(rule(clientIdProblems));
// Judged against the environment's name in crossFieldIssues; the shape alone is checked here.
const secretEnv = z.string().min(1, "must not be empty");
const url = z.string().superRefine(rule(serviceUrlProblems));
const variableName = z.string().superRefine(rule(variableNameProblems));
const pingOneName = z.string().superRefine(rule(pingOneNameProblems));
/** Backend names are written into the backend block as they are; their shapes keep them plain. */
const matching = (pattern: RegExp, text: string) => z.string().regex(pattern, text);
// Checked here, not only in the constructs, so a bad name is reported at its config path with every other problem.
const certname = z.string().superRefine(rule(certnameProblems));

/** Longest environment name plus the '-' that joins it to the customer in `<env>-<customer>`. */
const ENVIRONMENT_PREFIX_LENGTH = Math.max(...P1AS_ENVIRONMENTS.map((env) => env.length)) + 1;

/** A backend as the config writes it; the state inventory (config/inventory.ts) holds these too, resolved. */
export const backendSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local"), path: nonEmpty.optional() }).strict(),
  z
    .object({
      type: z.literal("pg"),
      connStr: z.string().superRefine(rule(connStrProblems)).optional(),
      schemaName: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, "must be a lowercase PostgreSQL identifier (letters, digits, '_')")
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("s3"),
      bucket: matching(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' or '-'",
      ),
      key: z.string().superRefine(rule(s3KeyProblems)).optional(),
      region: matching(/^[a-z]{2}(-[a-z]+)+-[0-9]+$/, "must be an AWS region such as eu-west-1"),
      dynamodbTable: matching(
        /^[A-Za-z0-9_.-]{3,255}$/,
        "must be a DynamoDB table name: 3 to 255 letters, digits, '_', '.' or '-'",
      ).optional(),
      encrypt: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.enum(["remote", "cloud"]),
      organization: matching(/^[A-Za-z0-9_-]{1,90}$/, "must be an organization name: letters, digits, '_' or '-'"),
      workspace: matching(
        /^[A-Za-z0-9_-]{1,90}$/,
        "must be a workspace name: at most 90 letters, digits, '_' or '-'",
      ).optional(),
      hostname: z.string().superRefine(rule(hostnameProblems)).optional(),
    })
    .strict(),
]);

const certificateSchema = z
  .object({
    name: certname,
    fullchainFile: nonEmpty,
    privateKeyFile: nonEmpty.optional(),
    privateKeyVariable: variableName.optional(),
    adopt: z.boolean().default(false),
  })
  .strict();

const hostnameSchema = z
  .object({
    hostname: z.string().superRefine(rule(hostnameProblems)),
    product: z.enum(PRODUCTS),
    certname,
    adopt: z.boolean().default(false),
  })
  .strict();

const environmentSchema = z
  .object({
    name: z.enum(P1AS_ENVIRONMENTS),
    // Kept with its full declaration: the destroy needs the stack's providers (and its PingOne app's credentials).
    retire: z.boolean().optional(),
    groups: z.array(z.string()).min(1, "must hold at least one self-service role").optional(),
    [ALL_ENVIRONMENT_ROLES_OPT_IN]: z.boolean().optional(),
    resource: z
      .object({
        name: pingOneName.optional(),
        audience: z.string().superRefine(rule(audienceProblems)).optional(),
        accessTokenValiditySeconds: z.number().superRefine(rule(accessTokenValidityProblems)).optional(),
        scope: z.string().superRefine(rule(scopeNameProblems)).optional(),
        orchestrationName: z.string().superRefine(rule(expressionLiteralProblems)).optional(),
        auditName: pingOneName.optional(),
      })
      .strict()
      .optional(),
    application: z.object({ name: pingOneName.optional(), auditName: pingOneName.optional() }).strict().optional(),
    selfService: z
      .object({
        apiUrl: url.optional(),
        tokenUrl: url.optional(),
        requestTimeoutMs: z.number().int().positive().optional(),
        maxRetries: z.number().int().nonnegative().optional(),
        readyTimeoutMs: z.number().int().positive().optional(),
        apiContract: z.enum(API_CONTRACTS).optional(),
      })
      .strict()
      .optional(),
    credentials: z
      .object({
        clientId,
        clientSecretEnv: secretEnv.optional(),
        audit: z.object({ clientId, clientSecretEnv: secretEnv.optional() }).strict(),
      })
      .strict()
      .optional(),
    backend: backendSchema.optional(),
    virtualHosts: z
      .object({
        certificates: z.array(certificateSchema).default([]),
        hostnames: z.array(hostnameSchema).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    customer: z.string().superRefine(rule((value) => dnsLabelProblems(value, 63 - ENVIRONMENT_PREFIX_LENGTH))),
    p1asRegion: z.string().superRefine(rule((value) => dnsLabelProblems(value))),
    pingone: z
      .object({
        environmentId: z.string().superRefine(rule(uuidProblems)),
        regionCode: z.enum(PINGONE_REGION_CODES as [PingOneRegionCode, ...PingOneRegionCode[]]),
        apiUrl: url.optional(),
        roleAttributes: z
          .object({
            manage: z.boolean().default(true),
            retiredEnvironments: z.array(z.enum(P1AS_ENVIRONMENTS)).default([]),
            archivedRoles: z.array(z.string()).default([]),
          })
          .strict()
          .optional(),
        backend: backendSchema.optional(),
      })
      .strict(),
    environments: z.array(environmentSchema).min(1, "must list at least one P1AS environment"),
  })
  .strict();

/** The config as written (after zod's own defaults). */
export type P1asConfig = z.infer<typeof configSchema>;
export type BackendConfig = z.infer<typeof backendSchema>;
export type CertificateConfig = z.infer<typeof certificateSchema>;
export type HostnameConfig = z.infer<typeof hostnameSchema>;

/**
 * S3 keys are exact: `a//b` and `/a` are other objects than `a/b`, and terraform's S3 backend refuses a
 * key that starts or ends with '/'.
 */
function s3KeyProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.trim() === "") return ["must not be empty"];
  if (value.length > 1024) problems.push(`must be at most 1024 characters (got ${value.length})`);
  if (value.startsWith("/") || value.endsWith("/")) problems.push("must not start or end with '/'");
  if (value.includes("//")) problems.push("must not contain '//'");
  if (value.split("/").some((part) => part === "." || part === ".."))
    problems.push("must not contain '.' or '..' segments");
  return problems;
}
