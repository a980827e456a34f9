/**
 * Retry policy as data, applied with axios-retry. Retries only what is safe to repeat blindly:
 * idempotent methods (and requests marked `idempotent`, whatever their method) on connection errors, 429 (honouring Retry-After) and 5xx other than 501/505 (a load
 * balancer's or a restarting pod's answer, which says nothing about the request itself). Creates (POST)
 * are never retried here; the self-service client checks with a list instead (see createWithRecovery).
 * Every attempt and every wait comes out of one deadline (the request timeout): retries never make a call
 * take longer than its budget.
 */
import { RETRIES_DEFAULT } from "./defaults";
import axiosRetry, { isNetworkError } from "axios-retry";
import type { AxiosError, AxiosInstance } from "axios";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First backoff; doubles on each retry. */
  readonly baseDelayMs: number;
  /** Backoff ceiling (before jitter). */
  readonly maxDelayMs: number;
  /** Random extra of up to this fraction of the delay, so clients that failed together don't retry together. */
  readonly jitterRatio: number;
  /** HTTP statuses worth another attempt. */
  readonly retryStatuses: readonly number[];
  /** A Retry-After longer than this is not waited out; the call fails with the 429 instead. */
  readonly maxRetryAfterMs: number;
}

export { RETRIES_DEFAULT };

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  retries: RETRIES_DEFAULT,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  jitterRatio: 0.2,
  retryStatuses: [429, 500, 502, 503, 504],
  maxRetryAfterMs: 60_000,
};

/** Methods that may be repeated without checking first. */
export const IDEMPOTENT_METHODS = ["get", "head", "options", "put", "delete"] as const;

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): Required<RetryPolicy> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const key of ["retries", "baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    if (!Number.isInteger(policy[key]) || policy[key] < 0)
      throw new RangeError(`retry.${key} must be a whole number >= 0 (got ${policy[key]})`);
  }
  if (!(policy.jitterRatio >= 0 && policy.jitterRatio <= 1))
    throw new RangeError(`retry.jitterRatio must be between 0 and 1 (got ${policy.jitterRatio})`);
  return policy;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter, never shorter than the server's Retry-After. */
export function retryDelayMs(policy: Required<RetryPolicy>, retryNumber: number, retryAfterHeader?: unknown): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  const jittered = exponential + exponential * policy.jitterRatio * Math.random();
  return Math.round(Math.max(jittered, retryAfterMs(retryAfterHeader) ?? 0));
}

/** Whether a failure is transient: no response at all (but not our own timeout) or a retry status. */
export function isTransient(policy: Required<RetryPolicy>, error: AxiosError): boolean {
  if (!error.response) return isNetworkError(error);
  if (!policy.retryStatuses.includes(error.response.status)) return false;
  const wait = retryAfterMs(error.response.headers?.["retry-after"]);
  return wait === undefined || wait <= policy.maxRetryAfterMs;
}

export interface RetryEvent {
  readonly operation: string;
  readonly retryNumber: number;
  readonly retries: number;
  readonly delayMs: number;
  /** `HTTP 503` or the connection error code. Never a header or body. */
  readonly reason: string;
}

/** Short, secret-free description of why an attempt failed. */
export function failureReason(error: AxiosError): string {
  return error.response ? `HTTP ${error.response.status}` : (error.code ?? "no response");
}

/** Retries performed before `error` became final (axios-retry keeps the count on the request config). */
export function retriesOf(error: unknown): number {
  const state = (error as AxiosError)?.config?.["axios-retry"] as { retryCount?: number } | undefined;
  return state?.retryCount ?? 0;
}

declare module "axios" {
  interface AxiosRequestConfig {
    /** Human name of the call ("list certificates"), for progress lines and errors. */
    operation?: string;
    /** When the call's budget (its first attempt's timeout) runs out; set once, kept across retries. */
    deadlineAt?: number;
    /** The wait before the next attempt, chosen when deciding to retry. */
    nextDelayMs?: number;
    /**
     * Sending this request twice has the effect of sending it once, whatever its method (an update that sends every
     * field it sets, by PATCH as by PUT), so it is retried like a PUT. RFC 9110 9.2.2 allows that for such requests.
     */
    idempotent?: boolean;
  }
}

/**
 * Installs the policy on an axios instance. `alsoRetry` lists extra methods known to be free of side
 * effects for this instance (the token endpoint's POST only mints a token).
 */
export function installRetry(
  instance: AxiosInstance,
  policy: Required<RetryPolicy>,
  onRetry: (event: RetryEvent) => void,
  alsoRetry: readonly string[] = [],
): void {
  const methods = new Set<string>([...IDEMPOTENT_METHODS, ...alsoRetry]);
  instance.interceptors.request.use((config) => {
    config.deadlineAt ??= config.timeout ? Date.now() + config.timeout : undefined;
    return config;
  });
  axiosRetry(instance, {
    retries: policy.retries,
    // The request timeout is a budget across attempts: axios-retry shrinks it by each attempt and delay.
    shouldResetTimeout: false,
    retryCondition: (error) => {
      const config = error.config;
      if (
        !config ||
        !(methods.has((config.method ?? "").toLowerCase()) || config.idempotent) ||
        !isTransient(policy, error)
      )
        return false;
      const retryNumber = ((config["axios-retry"] as { retryCount?: number } | undefined)?.retryCount ?? 0) + 1;
      config.nextDelayMs = retryDelayMs(policy, retryNumber, error.response?.headers?.["retry-after"]);
      // A wait that would end past the deadline is not started: the call fails now with the real reason.
      return config.deadlineAt === undefined || Date.now() + config.nextDelayMs < config.deadlineAt;
    },
    retryDelay: (_retryNumber, error) => error.config?.nextDelayMs ?? 0,
    onRetry: (retryNumber, error, config) =>
      onRetry({
        operation: config.operation ?? `${(config.method ?? "").toUpperCase()} ${config.url}`,
        retryNumber,
        retries: policy.retries,
        delayMs: config.nextDelayMs ?? 0,
        reason: failureReason(error),
      }),
  });
}
