/**
 * Serving a protocol-level provider to terraform (the counterpart of terraform-plugin-go's `tf6server`):
 * handshake, AutoMTLS, gRPC registration and go-plugin's controller. A provider's entry point is one line:
 *
 *   serve(providerServer(definition));
 */
import * as grpc from "@grpc/grpc-js";
import {
  CONTROLLER_SERVICE,
  PROVIDER_SERVICE,
  UNIMPLEMENTED_RPCS,
  loadPackageDefinition,
} from "../protocol/tfplugin6-proto";
import type { ProtocolProvider } from "../protocol/tfplugin6-messages";
import { generateSelfSignedCertificate } from "./tls-certificate";
import { HandshakeError, handshakeLine, readHandshakeEnv } from "./handshake";

export interface ServeOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the handshake line. @default - written to stdout */
  readonly announce?: (line: string) => void;
  /** Log lines; terraform captures a provider's stderr in its own log (TF_LOG). @default - written to stderr */
  readonly log?: (line: string) => void;
  /** Called after the Shutdown RPC has been answered and the server closed. @default - exit the process */
  readonly onShutdown?: () => void;
}

export interface RunningServer {
  readonly port: number;
  readonly certDer: Buffer;
  /** Closes the listener at once, cancelling calls in flight. */
  close(): void;
}

/** How long Shutdown waits for calls in flight before closing anyway. */
const SHUTDOWN_GRACE_MS = 1000;

/** How the gRPC method names map onto ProtocolProvider methods. */
const PROVIDER_METHODS: Record<string, keyof ProtocolProvider> = {
  GetMetadata: "getMetadata",
  GetProviderSchema: "getProviderSchema",
  ValidateProviderConfig: "validateProviderConfig",
  ValidateResourceConfig: "validateResourceConfig",
  ValidateDataResourceConfig: "validateDataResourceConfig",
  ConfigureProvider: "configureProvider",
  UpgradeResourceState: "upgradeResourceState",
  ReadResource: "readResource",
  PlanResourceChange: "planResourceChange",
  ApplyResourceChange: "applyResourceChange",
  ImportResourceState: "importResourceState",
  ReadDataSource: "readDataSource",
  StopProvider: "stopProvider",
};

/**
 * Starts the gRPC server and announces it; resolves once the handshake line is out. Rejects with a
 * HandshakeError when the environment says terraform did not start us.
 */
export async function startServer(provider: ProtocolProvider, options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { clientCertPem } = readHandshakeEnv(options.env ?? process.env);
  const certificate = generateSelfSignedCertificate();
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(clientCertPem),
    [{ private_key: Buffer.from(certificate.keyPem), cert_chain: Buffer.from(certificate.certPem) }],
    true, // a connection without terraform's client certificate is refused during the TLS handshake
  );

  const packages = grpc.loadPackageDefinition(loadPackageDefinition());
  // Channelz is gRPC's live introspection service, which nothing here serves or reads; left on, grpc-js counts
  // every call for it, and a plan of N objects makes several calls per object.
  const server = new grpc.Server({ "grpc.enable_channelz": 0 });
  server.addService(serviceDefinition(packages, PROVIDER_SERVICE), providerHandlers(provider, log));
  server.addService(serviceDefinition(packages, CONTROLLER_SERVICE), {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      // A graceful shutdown lets this very reply reach terraform (a forced one resets the stream); the
      // timer bounds the wait should a client hold a call open.
      const finish = once(() => {
        server.forceShutdown();
        (options.onShutdown ?? (() => process.exit(0)))();
      });
      server.tryShutdown(finish);
      setTimeout(finish, SHUTDOWN_GRACE_MS).unref();
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  (options.announce ?? ((line: string) => process.stdout.write(`${line}\n`)))(handshakeLine(port, certificate.certDer));
  return { port, certDer: certificate.certDer, close: () => server.forceShutdown() };
}

/** The provider's `main`: serves until terraform calls Shutdown; refuses to start outside terraform. */
export function serve(provider: ProtocolProvider, options: ServeOptions = {}): void {
  // A stray rejection in resource code must not kill the process in the middle of terraform's apply.
  process.on("unhandledRejection", (reason) =>
    process.stderr.write(`[ERROR] unhandled rejection: ${String(reason)}\n`),
  );
  startServer(provider, options).catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof HandshakeError ? error.message : `provider failed to start: ${String(error)}`}\n`,
    );
    process.exit(1);
  });
}

function serviceDefinition(packages: grpc.GrpcObject, name: string): grpc.ServiceDefinition {
  const [pkg, service] = name.split(".");
  return ((packages[pkg] as grpc.GrpcObject)[service] as grpc.ServiceClientConstructor).service;
}

/**
 * UNIMPLEMENTED for every RPC we do not implement, whatever its shape (unary or streaming): terraform reads that
 * code as "not supported" and carries on, where any other error or an error diagnostic stops the command.
 */
function unimplementedHandlers(): grpc.UntypedServiceImplementation {
  const answer = (rpc: string) => (call: { emit?: unknown }, callback?: grpc.sendUnaryData<unknown>) => {
    const status = { code: grpc.status.UNIMPLEMENTED, details: `the p1as provider does not implement ${rpc}` };
    if (typeof callback === "function") return callback(status);
    (call as grpc.ServerWritableStream<unknown, unknown>).emit("error", status);
  };
  return Object.fromEntries(UNIMPLEMENTED_RPCS.map((rpc) => [rpc, answer(rpc)]));
}

function providerHandlers(provider: ProtocolProvider, log: (line: string) => void): grpc.UntypedServiceImplementation {
  return Object.fromEntries([
    ...Object.entries(unimplementedHandlers()),
    ...Object.entries(PROVIDER_METHODS).map(([rpc, method]) => [
      rpc,
      (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        // The framework turns resource failures into diagnostics; reaching this catch is a bug in the
        // framework itself, reported as a gRPC error rather than a crashed process.
        (provider[method] as (request: unknown) => Promise<unknown>)
          .call(provider, call.request)
          .then((response) => callback(null, response ?? {}))
          .catch((error: unknown) => {
            log(`[ERROR] ${rpc} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            callback({
              code: grpc.status.INTERNAL,
              details: `${rpc}: ${error instanceof Error ? error.message : String(error)}`,
            });
          });
      },
    ]),
  ]);
}

function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (!done) ((done = true), run());
  };
}
