/**
 * The emulator's two contract modes. Both serve the one route table in ./routes.ts; a mode only
 * filters and reshapes it, so served and documented routes cannot drift in either mode.
 * - "assumed": every guess in p1as/assumptions.ts (update routes, status and fingerprint fields,
 *   401 for a missing token, 409 for a certificate in use). The default, and the client's default.
 * - "confirmed": only what public sources confirm (p1as/facts.ts), plus the framework defaults a
 *   FastAPI service shows without its authors writing anything (FASTAPI_DEFAULTS, inferred) and the
 *   status field on list items (STATUS_FIELD, the one guess it keeps). A client that works against
 *   this mode works against a tenant that honours nothing beyond the public facts.
 */
import {
  CERTIFICATE_IN_USE_STATUSES,
  ERROR_STATUS,
  FASTAPI_DEFAULTS,
  TOKEN_AUDIENCE_CHECKED,
  TOKEN_SCOPE_CHECKED,
} from "../p1as/assumptions";
import type { RouteSpec } from "./routes";

export const CONTRACT_MODES = ["assumed", "confirmed"] as const;
export type ContractMode = (typeof CONTRACT_MODES)[number];
/** Today's behaviour, so nothing that starts the emulator without a mode changes. */
export const DEFAULT_CONTRACT_MODE: ContractMode = "assumed";

export interface ContractProfile {
  readonly mode: ContractMode;
  /** Whether the mode serves (and documents) a route of the table. */
  serves(route: Pick<RouteSpec, "source">): boolean;
  /** The response fields a route carries in this mode; undefined means every field of its schema. */
  responseFields(route: Pick<RouteSpec, "confirmedFields">): readonly string[] | undefined;
  /** The answer to a request without any bearer token (a bad or expired token is 401 in both modes). */
  readonly missingTokenStatus: number;
  /** The answer to deleting a certificate a hostname uses, without force_delete. */
  readonly certificateInUseStatus: number;
  /** Whether tokens must carry this API's audience and scope (TOKEN_AUDIENCE_CHECKED, TOKEN_SCOPE_CHECKED: guesses). */
  readonly checksAudienceAndScope: boolean;
  /** Whether `/hostnames/` answers 307 to `/hostnames` instead of being served as it. */
  readonly redirectSlashes: boolean;
}

const ASSUMED: ContractProfile = {
  mode: "assumed",
  serves: () => true,
  responseFields: () => undefined,
  missingTokenStatus: ERROR_STATUS.unauthenticated,
  certificateInUseStatus: ERROR_STATUS.conflict,
  checksAudienceAndScope: TOKEN_AUDIENCE_CHECKED && TOKEN_SCOPE_CHECKED,
  // express's non-strict routing serves the slash form directly; kept so this mode stays as it was.
  redirectSlashes: false,
};

const CONFIRMED: ContractProfile = {
  mode: "confirmed",
  // Routes marked "confirmed" in the table cite their fact there; update routes are guesses.
  serves: (route) => route.source === "confirmed",
  // Per route, the fields facts.ts confirms (list items add STATUS_FIELD).
  responseFields: (route) => route.confirmedFields,
  missingTokenStatus: FASTAPI_DEFAULTS.missingBearerStatus,
  // Unpublished: answer the plausible status the assumed mode does not, so clients handle both.
  certificateInUseStatus: CERTIFICATE_IN_USE_STATUSES.find((status) => status !== ERROR_STATUS.conflict) ?? 400,
  // Confirmed: only the trusted issuer and the groups roles.
  checksAudienceAndScope: false,
  redirectSlashes: true,
};

export const CONTRACT_PROFILES: Readonly<Record<ContractMode, ContractProfile>> = {
  assumed: ASSUMED,
  confirmed: CONFIRMED,
};

export function isContractMode(value: unknown): value is ContractMode {
  return (CONTRACT_MODES as readonly unknown[]).includes(value);
}
