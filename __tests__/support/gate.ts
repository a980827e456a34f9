/**
 * A loopback HTTP proxy in front of the emulator that holds requests until the test releases them. A test
 * learns for certain that a deploy is inside `terraform apply` (and so holds the state lock) when its first
 * API request arrives here -- no sleeping, no timing.
 */
import { createServer, IncomingMessage, request, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export interface Gate {
  /** `http://127.0.0.1:<port>`; use it in place of the emulator's URL. */
  readonly url: string;
  /**
   * Holds matching requests from now on (default: every request); resolves when the first one is being held.
   * The gate starts open.
   */
  hold(matches?: (method: string, url: string) => boolean): Promise<void>;
  /** Lets held and future requests through. */
  release(): void;
  close(): Promise<void>;
}

export async function startGate(target: string): Promise<Gate> {
  const targetUrl = new URL(target);
  let open = true;
  let holds: (method: string, url: string) => boolean = () => true;
  let signalArrival: () => void = () => {};
  const held: (() => void)[] = [];

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const upstream = request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  };

  const server: Server = createServer((incoming, outgoing) => {
    if (open || !holds(incoming.method ?? "", incoming.url ?? "")) return forward(incoming, outgoing);
    incoming.pause();
    held.push(() => {
      incoming.resume();
      forward(incoming, outgoing);
    });
    signalArrival();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (matches = () => true) => {
      holds = matches;
      open = false;
      return new Promise<void>((resolve) => (signalArrival = resolve));
    },
    release: () => {
      open = true;
      held.splice(0).forEach((pass) => pass());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
