/**
 * How a queued fault (./faults.ts) changes an HTTP answer before the handler runs, shared by the
 * self-service API, the token endpoint and the emulated PingOne's management API; each supplies its
 * own error body.
 */
import { Request, Response } from "express";
import { ActiveFault } from "./faults";

const STATUS_TEXT: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Destroys the connection without a response: the client sees ECONNRESET / socket hang up. */
export function drop(req: Request, res: Response): void {
  res.locals.dropped = true;
  req.socket.destroy();
}

/** Answers with the fault's status, if it has one. Returns true when the request is finished. */
export async function applyPreFault(
  fault: ActiveFault | undefined,
  req: Request,
  res: Response,
  body: (detail: string, status: number) => object,
): Promise<boolean> {
  if (!fault) return false;
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.drop === "before-commit") {
    drop(req, res);
    return true;
  }
  if (fault.rawBody !== undefined) {
    res.status(200).type("application/json").send(fault.rawBody);
    return true;
  }
  if (fault.redirect) {
    res.redirect(307, fault.redirect);
    return true;
  }
  if (fault.status) {
    if (fault.retryAfter !== undefined) res.set("Retry-After", String(fault.retryAfter));
    res.status(fault.status).json(body(fault.detail ?? STATUS_TEXT[fault.status] ?? "Injected fault", fault.status));
    return true;
  }
  return false;
}
