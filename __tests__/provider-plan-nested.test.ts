/**
 * The framework's plan rules inside nested attributes (the PingOne test double's `oidc_options`,
 * `enumerated_values`): defaults and prior values per nested attribute, set objects paired with prior ones
 * by their configured values, replacement by a nested path, and unknowns only where an update may change.
 */
import { planFromSchema } from "../provider/framework/plan";
import type { Schema } from "../provider/framework/schema";
import { isUnknown, types, unknown } from "../provider/protocol/values";

const schema: Schema = {
  attributes: {
    id: { type: types.string, computed: true, useStateForUnknown: true },
    name: { type: types.string, required: true },
    options: {
      optional: true,
      nested: {
        nesting: "single",
        attributes: {
          type: { type: types.string, required: true, requiresReplace: true },
          timeout: { type: types.number, optional: true, computed: true, default: 60 },
          client_id: { type: types.string, computed: true, useStateForUnknown: true },
          etag: { type: types.string, computed: true },
        },
      },
    },
    values: {
      optional: true,
      nested: {
        nesting: "set",
        attributes: {
          value: { type: types.string, required: true },
          archived: { type: types.bool, optional: true, computed: true, default: false },
          created: { type: types.string, computed: true },
        },
      },
    },
  },
};

const prior = {
  id: "1",
  name: "a",
  options: { type: "WEB_APP", timeout: 60, client_id: "c1", etag: "e1" },
  values: [
    { value: "x", archived: false, created: "t1" },
    { value: "y", archived: true, created: "t2" },
  ],
};
const config = {
  id: null,
  name: "a",
  options: { type: "WEB_APP", timeout: null, client_id: null, etag: null },
  values: [
    { value: "y", archived: true, created: null },
    { value: "x", archived: null, created: null },
  ],
};

describe("plan rules inside nested attributes", () => {
  test("a create plans nested defaults and leaves nested computed values unknown", () => {
    const { planned, requiresReplace } = planFromSchema(schema, null, config, true);
    expect(requiresReplace).toEqual([]);
    expect(planned.options).toEqual({ type: "WEB_APP", timeout: 60, client_id: unknown, etag: unknown });
    expect(planned.values).toEqual([
      { value: "y", archived: true, created: unknown },
      { value: "x", archived: false, created: unknown },
    ]);
  });

  test("an unchanged object keeps every nested prior value, set objects paired by value whatever their order", () => {
    const { planned, requiresReplace } = planFromSchema(schema, prior, config, true);
    expect(requiresReplace).toEqual([]);
    expect(planned.options).toEqual(prior.options);
    expect(planned.values).toEqual([
      { value: "y", archived: true, created: "t2" },
      { value: "x", archived: false, created: "t1" },
    ]);
  });

  test("an update keeps useStateForUnknown values and makes other unconfigured computed ones unknown", () => {
    const { planned, requiresReplace } = planFromSchema(schema, prior, { ...config, name: "b" }, true);
    expect(requiresReplace).toEqual([]);
    const options = planned.options as Record<string, unknown>;
    expect(options.client_id).toBe("c1");
    expect(isUnknown(options.etag as never)).toBe(true);
    expect(options.timeout).toBe(60);
  });

  test("a nested requiresReplace attribute that changes is reported by its dotted path", () => {
    const changed = { ...config, options: { ...config.options, type: "WORKER" } };
    expect(planFromSchema(schema, prior, changed, true).requiresReplace).toEqual(["options.type"]);
  });

  test("a new set object gets its defaults and unknown computed values, next to paired ones", () => {
    const added = { ...config, values: [...config.values, { value: "z", archived: null, created: null }] };
    const { planned } = planFromSchema(schema, prior, added, true);
    expect((planned.values as unknown[])[2]).toEqual({ value: "z", archived: false, created: unknown });
  });
});
