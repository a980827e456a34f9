/**
 * The provider's request budget: how long one request may take (retries included) and how many times it may be
 * retried. Each comes from the block, else from its `P1AS_*` variable, else the default; a variable's value is
 * checked like the block's and a problem names both.
 */
import { MAX_RETRIES_DEFAULT, REQUEST_SETTINGS_ENV, REQUEST_TIMEOUT_MS_DEFAULT } from "../public-face";
import { Attribute, Diagnostics, State, Value, types } from "../framework";

export interface RequestSettings {
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

const wholeAtLeast = (minimum: number, unit: string) => (value: Value) =>
  Number.isInteger(value) && Number(value) >= minimum
    ? []
    : [`must be a whole number ${minimum === 0 ? ">= 0" : "> 0"}${unit}`];

const CHECKS = {
  request_timeout_ms: wholeAtLeast(1, " of milliseconds"),
  max_retries: wholeAtLeast(0, ""),
} as const;

export const requestSettingAttributes: Record<keyof typeof REQUEST_SETTINGS_ENV, Attribute> = {
  request_timeout_ms: {
    type: types.number,
    optional: true,
    description: `Deadline of one API or token request, every retry and wait included. Default ${REQUEST_TIMEOUT_MS_DEFAULT} (env \`${REQUEST_SETTINGS_ENV.request_timeout_ms}\`).`,
    validate: CHECKS.request_timeout_ms,
  },
  max_retries: {
    type: types.number,
    optional: true,
    description:
      `Retries of one request after its first attempt, within \`request_timeout_ms\`: reads, deletes and token requests on 5xx, 429 and lost connections; ` +
      `a create only after a list shows it was not committed. Default ${MAX_RETRIES_DEFAULT} (env \`${REQUEST_SETTINGS_ENV.max_retries}\`).`,
    validate: CHECKS.max_retries,
  },
};

/** Block first, then the variable, then the default; undefined (with an error diagnostic naming both) when a value is bad. */
export function resolveRequestSettings(
  config: State,
  env: NodeJS.ProcessEnv,
  diagnostics: Diagnostics,
): RequestSettings | undefined {
  const read = (name: keyof typeof REQUEST_SETTINGS_ENV, fallback: number): number | undefined => {
    if (typeof config[name] === "number") return config[name] as number;
    const text = env[REQUEST_SETTINGS_ENV[name]];
    if (text === undefined || text.trim() === "") return fallback;
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    const problems = CHECKS[name](value);
    if (problems.length === 0) return value;
    diagnostics.error(
      `Invalid p1as provider ${name}`,
      `${name} (or ${REQUEST_SETTINGS_ENV[name]}) ${JSON.stringify(text)} ${problems.join("; ")}`,
      name,
    );
    return undefined;
  };
  const timeoutMs = read("request_timeout_ms", REQUEST_TIMEOUT_MS_DEFAULT);
  const maxRetries = read("max_retries", MAX_RETRIES_DEFAULT);
  return timeoutMs === undefined || maxRetries === undefined ? undefined : { timeoutMs, maxRetries };
}
