/**
 * PingOne management API error bodies: `{id, code, message, details: [{code, target, message}]}`
 * (shape [C]: the pingone-go-sdk-v2 OpenAPI document). Messages never echo a submitted value, so a
 * secret sent in the wrong field can't come back in an error.
 */
import { randomUUID } from "node:crypto";
import type * as z from "zod/v4";

export interface PingOneErrorDetail {
  readonly code: string;
  /** The request field the detail is about. */
  readonly target?: string;
  readonly message: string;
}

export interface PingOneErrorBody {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  readonly details?: readonly PingOneErrorDetail[];
}

export class PingOneError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: readonly PingOneErrorDetail[],
  ) {
    super(message);
  }

  body(): PingOneErrorBody {
    return {
      id: randomUUID(),
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const INVALID_DATA_MESSAGE =
  "The request could not be completed. One or more validation errors were in the request.";

/** 400 INVALID_DATA with one detail per field. */
export function invalidData(details: readonly PingOneErrorDetail[]): PingOneError {
  return new PingOneError(400, "INVALID_DATA", INVALID_DATA_MESSAGE, details);
}

export function invalidValue(target: string, message: string, code = "INVALID_VALUE"): PingOneError {
  return invalidData([{ code, target, message }]);
}

export function notFound(what: string, id: string): PingOneError {
  return new PingOneError(404, "NOT_FOUND", `Unable to find ${what} with id: '${id.slice(0, 64)}'.`);
}

/** [I] A duplicate name: 400 INVALID_DATA with a UNIQUENESS_VIOLATION detail (409 is documented too; PingOne's choice is not public). */
export function notUnique(target: string, scope: string): PingOneError {
  return invalidValue(target, `${target} must be unique within ${scope}.`, "UNIQUENESS_VIOLATION");
}

export const ACCESS_FAILED_401 = () =>
  new PingOneError(
    401,
    "ACCESS_FAILED",
    "The request could not be completed. The access token is missing, invalid or expired.",
  );
export const ACCESS_FAILED_403 = (why: string) =>
  new PingOneError(
    403,
    "ACCESS_FAILED",
    `The request could not be completed. You do not have access to this resource: ${why}.`,
  );

/** zod issues as PingOne details: the target is the field path, the reason zod's message. */
export function detailsOf(issues: readonly z.core.$ZodIssue[]): PingOneErrorDetail[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const target = path ? `${path}.${key}` : key;
        return { code: "INVALID_VALUE", target, message: `${target}: is not a field of this object.` };
      });
    }
    return [
      {
        code:
          issue.code === "invalid_type" && /received undefined/.test(issue.message)
            ? "REQUIRED_VALUE"
            : "INVALID_VALUE",
        target: path || "(body)",
        message: `${path || "body"}: ${issue.message}`,
      },
    ];
  });
}
