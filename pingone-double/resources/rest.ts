/**
 * The create, read, update and delete of an object that lives at one path of the management API: POST to
 * its collection, GET/PUT/DELETE at its own path, a 404 on read meaning it is gone.
 */
import type { Resource, State } from "../../provider/framework";
import { DoubleData, Json, text } from "./common";

export interface RestObject {
  /** The collection a create posts to, from the plan. */
  collection(planned: State): string;
  /** The object's own path, from a state that holds its id. */
  path(state: State): string;
  /** The request body: what the configuration sets (a PUT drops what it leaves out). */
  body(config: State, planned: State): Json;
  /** The state from the API's object; `known` supplies what the API does not return. */
  toState(known: State, api: Json): State;
}

export function restOperations(
  object: RestObject,
): Pick<Resource<DoubleData>, "create" | "read" | "update" | "delete"> {
  const environment = (state: State) => text(state, "environment_id");
  return {
    async create({ config, planned, providerData }) {
      return object.toState(
        planned,
        await providerData.api.post(environment(planned), object.collection(planned), object.body(config, planned)),
      );
    },
    async read({ state, providerData }) {
      const found = await providerData.api.get(environment(state), object.path(state));
      return found && object.toState(state, found);
    },
    async update({ config, planned, prior, providerData }) {
      return object.toState(
        planned,
        await providerData.api.put(environment(planned), object.path(prior), object.body(config, planned)),
      );
    },
    async delete({ state, providerData }) {
      await providerData.api.delete(environment(state), object.path(state));
    },
  };
}
