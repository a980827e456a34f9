/**
 * Reads `terraform show -json <planfile>` into the few facts a reviewer needs: what happens to which object,
 * and for virtual hosts, which hostname, product and certificate it is about.
 * Only fields that terraform did not mark sensitive ever leave this module.
 */
import { z } from "zod";
import { CERTIFICATE_TYPE, HOSTNAME_TYPE } from "../../provider/public-face";

/** The part of terraform's JSON plan format (format_version 1.x) this module reads; the rest is ignored. */
const changeSchema = z.object({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  importing: z.unknown().optional(),
});

const resourceChangeSchema = z.object({
  address: z.string(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string(),
  action_reason: z.string().optional(),
  change: changeSchema,
});

export const planJsonSchema = z.object({
  format_version: z.string(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  resource_drift: z.array(z.unknown()).optional(),
  errored: z.boolean().optional(),
});

export type PlanJson = z.infer<typeof planJsonSchema>;

/** What happens to one object. `forget` drops it from state and leaves it in the API (a `removed` block). */
export type ChangeAction = "create" | "update" | "replace" | "delete" | "import" | "forget";

/** The object kinds this project shows by their API fields rather than by address. */
export type ObjectKind = "hostname" | "certificate" | "other";

/** The value shown in place of anything terraform marked sensitive. */
export const SENSITIVE = "(sensitive value)";
/** The value shown for something terraform only learns during apply. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

export interface FieldChange {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface ResourceChangeSummary {
  readonly address: string;
  readonly action: ChangeAction;
  readonly kind: ObjectKind;
  /** API fields worth showing, in display order (hostname, product, certname / name, fingerprint, not_after). */
  readonly fields: ReadonlyArray<{ readonly field: string; readonly value: string }>;
  /** Shown fields whose value changes (update and replace only). */
  readonly changes: readonly FieldChange[];
  /** Why terraform replaces it, when it said so (a failed create leaves the object tainted). */
  readonly reason?: string;
  /** Whether the API object is deleted (or deleted and created again), not just a terraform record. */
  readonly destructive: boolean;
  /** A hostname update the API can only make by deleting and creating it again (no update route): it goes offline. */
  readonly offline?: boolean;
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly import: number;
  readonly forget: number;
}

export interface StackPlanSummary {
  readonly counts: PlanCounts;
  readonly changes: readonly ResourceChangeSummary[];
  /** How many objects terraform found changed outside Terraform while refreshing. */
  readonly driftCount: number;
}

/**
 * Display order for the attributes of the p1as provider's resources; nothing else is ever shown (the chain is
 * long and public, the key write-only, and whatever a later schema adds must not leak by default).
 */
const HOSTNAME_FIELDS = ["hostname", "product", "certname", "status", "adopt"] as const;
const CERTIFICATE_FIELDS = ["name", "sha256_fingerprint", "not_after", "status", "adopt"] as const;

const REASONS: Record<string, string> = {
  replace_because_tainted: "tainted by a failed apply",
  replace_by_request: "replacement requested",
  // The provider asks for it when a key changes, or when the API has no update route for the changed field.
  replace_because_cannot_update: "cannot be updated in place: deleted and created again",
};

export function parsePlanJson(text: string): PlanJson {
  return planJsonSchema.parse(JSON.parse(text));
}

export function summarizePlan(plan: PlanJson): StackPlanSummary {
  const changes: ResourceChangeSummary[] = [];
  for (const resource of plan.resource_changes ?? []) {
    if (resource.mode === "data") continue;
    const action = classifyActions(resource.change.actions, resource.change.importing !== undefined);
    if (!action) continue;
    changes.push(summarizeResource(resource, action));
  }
  changes.sort(byReviewOrder);
  const count = (action: ChangeAction) => changes.filter((change) => change.action === action).length;
  return {
    counts: {
      add: count("create"),
      change: count("update"),
      replace: count("replace"),
      destroy: count("delete"),
      import: count("import"),
      forget: count("forget"),
    },
    changes,
    driftCount: plan.resource_drift?.length ?? 0,
  };
}

/**
 * Marks the hostname updates the provider warned about (tools/plan-summary/offline-hostnames.ts): terraform plans them as
 * updates, but the API deletes and creates them, so they are destructive and say how long they are offline.
 */
export function withOffline(summary: StackPlanSummary, hostnames: readonly string[], window: string): StackPlanSummary {
  const offline = (change: ResourceChangeSummary) =>
    change.kind === "hostname" &&
    change.action === "update" &&
    hostnames.includes(change.fields.find((field) => field.field === "hostname")?.value ?? "");
  const changes = summary.changes.map((change) =>
    offline(change)
      ? {
          ...change,
          destructive: true,
          offline: true,
          reason: `no update route: deleted and created again, offline for ${window}`,
        }
      : change,
  );
  return { ...summary, changes: changes.sort(byReviewOrder) };
}

/** Destructive first; an offline update ranks as the replacement it is in the API. */
function byReviewOrder(a: ResourceChangeSummary, b: ResourceChangeSummary): number {
  const rank = (change: ResourceChangeSummary) => ACTION_ORDER.indexOf(change.offline ? "replace" : change.action);
  return (
    Number(b.destructive) - Number(a.destructive) ||
    rank(a) - rank(b) ||
    (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)
  );
}

/** Table order after the destructive rows, which always come first so a table cut for size never hides them. */
export const ACTION_ORDER: readonly ChangeAction[] = ["replace", "delete", "forget", "create", "update", "import"];

export function isDestructive(action: ChangeAction): boolean {
  return action === "replace" || action === "delete";
}

/** Terraform spells a replacement as ["delete","create"] or ["create","delete"] (create_before_destroy). */
export function classifyActions(actions: readonly string[], importing: boolean): ChangeAction | undefined {
  const key = [...actions].sort().join(",");
  switch (key) {
    case "create":
      return "create";
    case "update":
      return importing ? "import" : "update";
    case "create,delete":
      return "replace";
    case "delete":
      return "delete";
    case "forget":
      return "forget";
    case "no-op":
      return importing ? "import" : undefined;
    default:
      // "read" (data sources) and anything newer terraform invents: nothing to review.
      return undefined;
  }
}

type ResourceChange = z.infer<typeof resourceChangeSchema>;

function summarizeResource(resource: ResourceChange, action: ChangeAction): ResourceChangeSummary {
  const { change } = resource;
  const before = shown(change.before, change.before_sensitive, undefined);
  const after = shown(change.after, change.after_sensitive, change.after_unknown);
  // Status is the API's, never declared: show what it is now (an `error` explains a repair), not what follows.
  const current = action === "delete" || action === "forget" ? before : { ...after, status: before.status };
  const kind = kindOf(resource.type);
  const order: readonly string[] =
    kind === "hostname" ? HOSTNAME_FIELDS : kind === "certificate" ? CERTIFICATE_FIELDS : [];
  const fields = order
    .filter((field) => current[field] !== undefined && !(field === "adopt" && current[field] === "false"))
    .map((field) => ({ field, value: current[field] }));
  const changes =
    action === "update" || action === "replace"
      ? order
          .filter(
            (field) =>
              field !== "status" &&
              before[field] !== undefined &&
              after[field] !== undefined &&
              before[field] !== after[field],
          )
          .map((field) => ({ field, before: before[field], after: after[field] }))
      : [];
  const reason = resource.action_reason ? REASONS[resource.action_reason] : undefined;
  return {
    address: resource.address,
    action,
    kind,
    fields,
    changes,
    destructive: isDestructive(action),
    ...(reason ? { reason } : {}),
  };
}

/**
 * The displayable string fields of an object, with sensitive ones replaced. A whole-object `true` in the
 * sensitive map masks every field.
 */
function shown(input: unknown, sensitive: unknown, unknown: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  const fieldNames = new Set([
    ...(isRecord(input) ? Object.keys(input) : []),
    ...(isRecord(unknown) ? Object.keys(unknown) : []),
  ]);
  for (const field of fieldNames) {
    if (sensitive === true || (isRecord(sensitive) && sensitive[field] === true)) {
      result[field] = SENSITIVE;
    } else if (unknown === true || (isRecord(unknown) && unknown[field] === true)) {
      result[field] = KNOWN_AFTER_APPLY;
    } else if (isRecord(input) && ["string", "number", "boolean"].includes(typeof input[field])) {
      result[field] = String(input[field]);
    }
  }
  return result;
}

/** Recognised by resource type, so it keeps working whatever the resource names are. */
function kindOf(type: string): ObjectKind {
  return type === HOSTNAME_TYPE ? "hostname" : type === CERTIFICATE_TYPE ? "certificate" : "other";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
