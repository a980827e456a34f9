/**
 * Installs the provider where terraform finds it with no network and no CLI configuration: an implied local
 * mirror, `<dir>/terraform.d/plugins/<source>/<version>/<os>_<arch>/`. Synth installs it beside every stack
 * that uses it (so `cdktf deploy`, `cdktf diff` and a plain `terraform plan` in the stack folder work), and
 * `npm run provider:install` installs it under `~/.terraform.d/plugins/` for plain `.tf` files.
 *
 * The folder holds the bundle and a wrapper that runs it on the Node that installed it (or P1AS_PROVIDER_NODE),
 * by absolute path, with that Node's version recorded beside it: the provider runs on the Node it was installed
 * and tested with, not on whatever `node` comes first on terraform's PATH. Nothing in the folder names where
 * the project lives, so its `.terraform.lock.hcl` hash is the same on every machine with the same build and
 * the same Node install (a CI runner's setup-node of one version, for example).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROVIDER_NODE_ENV, untestedNodeLine } from "./node-lines";
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "./public-face";

/**
 * The esbuild bundle of provider/main.ts that `npm run build` makes (package.json's postbuild), in
 * dist/provider/. Tests run this file from source (ts-jest), where __dirname is provider/: the bundle is
 * still the built one.
 */
export const PROVIDER_BUNDLE =
  path.basename(path.dirname(__dirname)) === "dist"
    ? path.resolve(__dirname, "bundle.js")
    : path.resolve(__dirname, "..", "dist", "provider", "bundle.js");

/** Terraform's name for this machine's platform (`linux_amd64`). */
export function terraformPlatform(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** A provider built as one Node bundle, as a plugins directory holds it. */
export interface ProviderPackage {
  /** `<host>/<namespace>/<type>`. */
  readonly source: string;
  readonly type: string;
  /** The version terraform matches constraints against (the package folder's name). */
  readonly version: string;
  /** The executable's name after `terraform-provider-<type>`. @default `_v<version>` */
  readonly executableSuffix?: string;
  readonly bundle: string;
}

const P1AS_PACKAGE = { source: PROVIDER_SOURCE, type: PROVIDER_TYPE, version: PROVIDER_VERSION } as const;

/** The package folder inside a plugins directory (`.../terraform.d/plugins`). */
export function packageDir(
  pluginsDir: string,
  provider: Pick<ProviderPackage, "source" | "version"> = P1AS_PACKAGE,
): string {
  return path.join(pluginsDir, provider.source, provider.version, terraformPlatform());
}

/** The Node binary the provider will run on, and its version as `node --version` prints it. */
export interface ProviderNode {
  readonly path: string;
  readonly version: string;
}

/**
 * P1AS_PROVIDER_NODE when set (asked for its version), else the Node running this install. Refuses a relative
 * path (the wrapper runs wherever terraform puts it), a path the wrapper's quoting cannot carry, a binary that
 * does not answer `--version`, and a Node line the provider is not tested on.
 */
export function providerNode(env: NodeJS.ProcessEnv = process.env): ProviderNode {
  const chosen = env[PROVIDER_NODE_ENV];
  if (chosen === undefined || chosen === "") return checked({ path: process.execPath, version: process.version });
  const source = `${PROVIDER_NODE_ENV}=${JSON.stringify(chosen)}`;
  if (!path.isAbsolute(chosen))
    throw new Error(
      `${source} is not an absolute path: the provider's wrapper runs it from terraform's working directory`,
    );
  let version: string;
  try {
    version = execFileSync(chosen, ["--version"], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch (error) {
    throw new Error(
      `${source} did not answer --version: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  if (!/^v\d+\.\d+\.\d+/.test(version))
    throw new Error(`${source} answered --version with ${JSON.stringify(version.slice(0, 80))}, not a Node version`);
  return checked({ path: chosen, version });
}

function checked(node: ProviderNode): ProviderNode {
  if (/[\n\r']/.test(node.path))
    throw new Error(
      `the Node path ${JSON.stringify(node.path)} holds a quote or a line break, which the provider's wrapper cannot carry`,
    );
  const refusal = untestedNodeLine(node.version, node.path);
  if (refusal) throw new Error(refusal);
  return node;
}

/** The wrapper terraform executes: the recorded Node by absolute path, told which version it was installed as. */
export function wrapperScript(node: ProviderNode, bundleName: string): string {
  return (
    `#!/bin/sh\n# The provider runs on the Node it was installed for: ${node.version} at ${node.path}\n` +
    `P1AS_PROVIDER_NODE_VERSION='${node.version}' exec '${node.path}' "$(dirname "$0")/${bundleName}" "$@"\n`
  );
}

/** Copies the p1as provider's bundle and writes its wrapper into `pluginsDir`'s package folder; returns the folder. */
export function installProvider(
  pluginsDir: string,
  bundle: string = PROVIDER_BUNDLE,
  node: ProviderNode = providerNode(),
): string {
  return installPackage(pluginsDir, { ...P1AS_PACKAGE, bundle }, node);
}

/** Copies a bundle and writes the wrapper that runs it into `pluginsDir`'s package folder; returns the folder. */
export function installPackage(
  pluginsDir: string,
  provider: ProviderPackage,
  node: ProviderNode = providerNode(),
): string {
  if (!existsSync(provider.bundle))
    throw new Error(`the provider bundle ${provider.bundle} does not exist; run npm run build first`);
  const dir = packageDir(pluginsDir, provider);
  const bundleName = `${provider.type}-provider.js`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(provider.bundle, path.join(dir, bundleName));
  const executable = `terraform-provider-${provider.type}${provider.executableSuffix ?? `_v${provider.version}`}`;
  writeFileSync(path.join(dir, executable), wrapperScript(node, bundleName), { mode: 0o755 });
  return dir;
}

/**
 * Terraform's `h1:` hash of an unpacked provider package: SHA-256 over the sorted lines
 * `<sha256 of file>  <file name>` (Go's dirhash.Hash1), base64. Equal to what `terraform init` records.
 */
export function packageHash(dir: string): string {
  const summary = readdirSync(dir)
    .sort()
    .map(
      (file) =>
        `${createHash("sha256")
          .update(readFileSync(path.join(dir, file)))
          .digest("hex")}  ${file}\n`,
    )
    .join("");
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

const LOCK_FILE = ".terraform.lock.hcl";

/**
 * Installs the provider beside a synthesized stack and records it in the stack's `.terraform.lock.hcl`, as
 * `terraform init` would. With the provider already locked, `cdktf deploy` and `cdktf diff` skip their
 * `terraform providers lock` step, which would look for `terraform.local` on the network. Other providers'
 * entries in an existing lock file are kept.
 */
export function installBesideStack(
  stackDir: string,
  bundle: string = PROVIDER_BUNDLE,
  node: ProviderNode = providerNode(),
): string {
  const dir = installProvider(path.join(stackDir, "terraform.d", "plugins"), bundle, node);
  lockPackage(stackDir, PROVIDER_SOURCE, PROVIDER_VERSION, dir);
  return dir;
}

/**
 * Records an installed package in `stackDir`'s `.terraform.lock.hcl` as `terraform init` would (version,
 * constraint and `h1:` hash), keeping other providers' entries.
 */
export function lockPackage(stackDir: string, source: string, version: string, packageFolder: string): void {
  const entry =
    `provider "${source}" {\n  version     = "${version}"\n  constraints = "${version}"\n` +
    `  hashes = [\n    "${packageHash(packageFolder)}",\n  ]\n}\n`;
  const lockFile = path.join(stackDir, LOCK_FILE);
  const existing = existsSync(lockFile)
    ? readFileSync(lockFile, "utf8")
    : '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';
  const others = existing.replace(
    new RegExp(`\\n?provider "${source.replace(/[.]/g, "\\.")}" \\{[\\s\\S]*?\\n\\}\\n`),
    "",
  );
  writeFileSync(lockFile, `${others.trimEnd()}\n\n${entry}`);
}
