/**
 * Parses the driver input (`P1AS_DRIVER_INPUT`). Every version ever shipped stays readable here,
 * because a destroy replays the input the object was created with.
 */
import { z } from "zod";
import { REQUEST_TIMEOUT_MS_DEFAULT } from "../client/self-service-client";
import { PRODUCTS } from "../p1as/facts";
import { INPUT_VERSION } from "./consts";
import { badInput, unknownInputVersion } from "./errors";

const connectionV1 = z.object({
  version: z.literal(1),
  api_url: z.string().url(),
  token_url: z.string().url(),
  client_id: z.string().min(1),
  scope: z.string().default(""),
  client_secret_env: z.string().default(""),
  client_secret_address: z.string().default(""),
  poll_interval_ms: z.number().int().positive(),
  ready_timeout_ms: z.number().int().positive(),
  // Optional within version 1: objects created before it existed replay inputs without it at destroy.
  request_timeout_ms: z.number().int().positive().default(REQUEST_TIMEOUT_MS_DEFAULT),
  adopt: z.boolean().default(false),
});

const certificateV1 = connectionV1.extend({
  name: z.string().min(1),
  fullchain_file: z.string().min(1),
  private_key_file: z.string().default(""),
  private_key_env: z.string().default(""),
  sha256_fingerprint: z.string().min(1),
  not_after: z.string(),
});

const hostnameV1 = connectionV1.extend({
  hostname: z.string().min(1),
  product: z.enum(PRODUCTS),
  certname: z.string().min(1),
});

export type CertificateInput = z.infer<typeof certificateV1>;
export type HostnameInput = z.infer<typeof hostnameV1>;
export type ConnectionInput = z.infer<typeof connectionV1>;

const SUPPORTED_VERSIONS: readonly number[] = [INPUT_VERSION];

function parse<T extends z.ZodTypeAny>(schema: T, raw: string | undefined, envName: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? "");
  } catch {
    throw badInput(envName, ["is not JSON (the provisioner must pass jsonencode(self.input))"]);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (!SUPPORTED_VERSIONS.includes(version as number)) throw unknownInputVersion(version, SUPPORTED_VERSIONS);
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badInput(
      envName,
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  return result.data;
}

/** The connection part alone (drift reaches the API with it even when a stack declares no object). */
export function parseConnectionInput(raw: string | undefined, envName: string): ConnectionInput {
  return parse(connectionV1, raw, envName);
}

export function parseCertificateInput(raw: string | undefined, envName: string): CertificateInput {
  return parse(certificateV1, raw, envName);
}

export function parseHostnameInput(raw: string | undefined, envName: string): HostnameInput {
  return parse(hostnameV1, raw, envName);
}
