/**
 * `pingone_application_secret` (`/applications/{id}/secret`), as Ping documents it: create and update both
 * regenerate the secret (POST, optionally keeping the previous one until `previous.expires_at`), and destroy
 * does nothing: the secret stays valid in PingOne. Our stacks no longer declare it (no secret in any
 * state); the double has it so configurations written for Ping's provider still plan.
 */
import type { Resource, State } from "../../provider/framework";
import { resourceSchema } from "../schema";
import { DoubleData, Json, importParts, text, uuid } from "./common";

export const applicationSecret: Resource<DoubleData> = {
  typeName: "pingone_application_secret",
  schema: resourceSchema("pingone_application_secret", {
    environment_id: { requiresReplace: true, validate: uuid },
    application_id: { requiresReplace: true, validate: uuid },
  }),

  async create(context) {
    return regenerate(context.planned, context.providerData);
  },

  async update(context) {
    return regenerate(context.planned, context.providerData);
  },

  async read({ state, providerData }) {
    const found = await providerData.api.get(text(state, "environment_id"), path(state));
    return found && toState(state, found);
  },

  async delete() {
    // Ping's provider leaves the secret in place: destroying the resource only forgets it.
  },

  async importState({ id }) {
    const [environment_id, application_id] = importParts(id, ["environment_id", "application_id"]);
    return { environment_id, application_id };
  },
};

async function regenerate(planned: State, providerData: DoubleData): Promise<State> {
  const previous = planned.previous as { expires_at: string | null } | null;
  const environmentId = text(planned, "environment_id");
  await providerData.api.post(
    environmentId,
    path(planned),
    previous?.expires_at ? { previous: { expiresAt: previous.expires_at } } : {},
  );
  const read = await providerData.api.get(environmentId, path(planned));
  if (!read) throw new Error(`application ${text(planned, "application_id")} has no secret after regenerating it`);
  return toState(planned, read);
}

function path(state: State): string {
  return `/applications/${text(state, "application_id")}/secret`;
}

function toState(known: State, api: Json): State {
  const previous = api.previous as { secret?: string; expiresAt?: string; lastUsed?: string } | undefined;
  const configuredPrevious = known.previous as { expires_at: string | null } | null;
  return {
    environment_id: known.environment_id,
    application_id: known.application_id,
    regenerate_trigger_values: known.regenerate_trigger_values ?? null,
    secret: api.secret as string,
    previous:
      configuredPrevious === null
        ? null
        : {
            expires_at: configuredPrevious.expires_at,
            secret: previous?.secret ?? null,
            last_used: previous?.lastUsed ?? null,
          },
  };
}
