/**
 * Running the toy provider the two ways terraform meets a provider: as an executable in a working
 * directory's implied local mirror, and as a child process a test talks gRPC to, acting as terraform.
 * The executable is an esbuild bundle, so the protocol definitions are proven to work without source files.
 */
import { ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { bundleEntry } from "../../bench/bundle-entry";
import { CONTROLLER_SERVICE, PROVIDER_SERVICE, loadPackageDefinition } from "../../provider/protocol";
import {
  CLIENT_CERT_ENV,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  SelfSignedCertificate,
  generateSelfSignedCertificate,
} from "../../provider/server";

export const TOY_SOURCE = "example.test/p1as/toy";
export const TOY_VERSION = "0.1.0";

/** Bundles the toy provider's entry point into one JavaScript file under `dir`; returns its path. */
export function bundleToyProvider(dir: string): string {
  return bundleEntry(path.join(__dirname, "toy-provider-main.ts"), path.join(dir, "toy-provider.js"));
}

/** Installs the bundle as `terraform-provider-toy` in `workdir`'s implied local mirror (found offline). */
export function installToyProvider(workdir: string, bundle: string): void {
  const platform = `${os.platform()}_${os.arch() === "x64" ? "amd64" : os.arch()}`;
  const dir = path.join(workdir, "terraform.d", "plugins", TOY_SOURCE, TOY_VERSION, platform);
  fs.mkdirSync(dir, { recursive: true });
  const executable = path.join(dir, `terraform-provider-toy_v${TOY_VERSION}`);
  fs.writeFileSync(executable, `#!/bin/sh\nexec "${process.execPath}" "${bundle}" "$@"\n`, { mode: 0o755 });
}

export interface StartedProvider {
  readonly child: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
}

/** Starts the bundle with this process's environment plus `env`; a key set to undefined is removed. */
export function startToyProvider(bundle: string, env: NodeJS.ProcessEnv): StartedProvider {
  const merged = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined),
  );
  const child = spawn(process.execPath, [bundle], { env: merged, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** The environment terraform gives a provider, with `client`'s certificate as PLUGIN_CLIENT_CERT. */
export function terraformPluginEnv(client: SelfSignedCertificate): NodeJS.ProcessEnv {
  return { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, [CLIENT_CERT_ENV]: client.certPem };
}

/** The first stdout line, split into go-plugin's fields. */
export function readHandshake(
  started: StartedProvider,
): Promise<{ fields: string[]; address: string; serverCertPem: string }> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    started.child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const fields = stdout.slice(0, newline).split("|");
      const serverCertPem = new X509Certificate(Buffer.from(fields[5], "base64")).toString();
      resolve({ fields, address: fields[3], serverCertPem });
    });
    started.exited.then((code) =>
      reject(new Error(`provider exited (${code}) before the handshake: ${started.stderr()}`)),
    );
  });
}

export type Call = <T = Record<string, unknown>>(rpc: string, request?: object) => Promise<T>;

/** A gRPC client for the provider and controller services; without `client`, no client certificate is sent. */
export function connect(
  address: string,
  serverCertPem: string,
  client?: SelfSignedCertificate,
): { call: Call; controller: Call; close(): void } {
  const packages = grpc.loadPackageDefinition(loadPackageDefinition());
  const credentials = client
    ? grpc.credentials.createSsl(Buffer.from(serverCertPem), Buffer.from(client.keyPem), Buffer.from(client.certPem))
    : grpc.credentials.createSsl(Buffer.from(serverCertPem));
  const clientOf = (name: string) => {
    const [pkg, service] = name.split(".");
    const Client = (packages[pkg] as grpc.GrpcObject)[service] as grpc.ServiceClientConstructor;
    return new Client(address, credentials);
  };
  const provider = clientOf(PROVIDER_SERVICE);
  const controller = clientOf(CONTROLLER_SERVICE);
  const caller =
    (target: grpc.Client): Call =>
    (rpc, request = {}) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        (target as unknown as Record<string, Function>)[rpc](
          request,
          { deadline },
          (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response as never)),
        );
      });
  return {
    call: caller(provider),
    controller: caller(controller),
    close: () => (provider.close(), controller.close()),
  };
}

export { generateSelfSignedCertificate };
