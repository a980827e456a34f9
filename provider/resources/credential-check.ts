/**
 * One token for the reading client at configure time, so that a wrong secret is one error naming the variable to
 * fix, not one `HTTP 401: invalid_client` per resource. Every run reads (refresh, plan), so the token is needed
 * anyway: the check costs no extra request.
 */
import { TokenError } from "../../client/errors";
import type { TokenClient } from "../../client/token-client";
import type { Diagnostics } from "../framework";

export interface ReadingClient {
  readonly clientId: string;
  /** Where its secret came from: an environment variable's name, or the provider attribute. */
  readonly secretSource: string;
  /** The attribute a diagnostic points at. */
  readonly attribute: "client_secret" | "read_client_secret";
  readonly role: string;
}

/** Fetches the reading client's first token; a refused secret becomes one error naming where it came from. False when refused. */
export async function checkReadingClient(
  tokens: TokenClient,
  client: ReadingClient,
  diagnostics: Diagnostics,
): Promise<boolean> {
  try {
    await tokens.getToken();
    return true;
  } catch (error) {
    // Other failures (an unreachable endpoint, a 5xx after retries) are reported by the first read, with its own advice.
    if (
      !(error instanceof TokenError) ||
      ![400, 401].includes(error.status) ||
      !/invalid_client/.test(error.detail ?? "")
    )
      return true;
    const source = client.secretSource.startsWith("P1AS_")
      ? `the environment variable ${client.secretSource}`
      : `${client.secretSource} of the p1as provider block (in the JSON-config stacks: the orchestration client's generated secret, or the variable environments[].credentials names)`;
    diagnostics.error(
      "The token endpoint refused the p1as client's secret",
      `The token endpoint answered HTTP ${error.status} invalid_client for client ${client.clientId} (role ${client.role}): its secret is wrong, or the client was disabled or deleted. ` +
        `The secret came from ${source}: set it to the current secret of client ${client.clientId} and run again. Nothing else was sent.`,
      client.attribute,
    );
    return false;
  }
}
