/**
 * The connection pools every client of this package shares: keep-alive (a provider run makes many small requests
 * to one or two hosts), with an idle socket closed by us after FREE_SOCKET_TIMEOUT_MS.
 *
 * Why not Node's default agent: it also keeps sockets alive (since Node 19), but drops an idle one only after 5 s
 * unless the server announces its own idle timeout (`Keep-Alive: timeout=N`). Servers that announce nothing and
 * close idle connections after 5 s (uvicorn does, by default), or load balancers with their own idle timeout, then
 * race us: a request sent on a socket the server has just closed fails with ECONNRESET before any answer
 * (docs/reliability-and-security.md, "Node 22 and 24", measured). Closing ours first keeps most requests out of that
 * race; installRetry (./retry.ts) re-sends the ones that still lose it when that is safe.
 */
import * as http from "node:http";
import * as https from "node:https";

/** 1 s under the 5 s idle timeout of servers that announce none (the margin Node leaves under an announced one). */
export const FREE_SOCKET_TIMEOUT_MS = 4_000;

let agents: { httpAgent: http.Agent; httpsAgent: https.Agent } | undefined;

/** The shared agents, as axios options (`axios.create({ ...keepAliveAgents(), … })`). */
export function keepAliveAgents(): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const options = { keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS, scheduling: "lifo" as const };
  agents ??= { httpAgent: new http.Agent(options), httpsAgent: new https.Agent(options) };
  return agents;
}
