/**
 * Installs the provider where terraform finds it with no network and no CLI configuration: an implied local
 * mirror, `<dir>/terraform.d/plugins/<source>/<version>/<os>_<arch>/`. Synth installs it beside every stack
 * that uses it (so `cdktf deploy`, `cdktf diff` and a plain `terraform plan` in the stack folder work), and
 * `npm run provider:install` installs it under `~/.terraform.d/plugins/` for plain `.tf` files.
 *
 * The folder holds the bundle and a wrapper that runs it with `node` from PATH, and nothing that names where
 * the project lives, so its `.terraform.lock.hcl` hash is the same on every machine with the same build.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "./source";

/**
 * The esbuild bundle of provider/main.ts that `npm run build` makes (package.json's postbuild), in
 * dist/provider/. Tests run this file from source (ts-jest), where __dirname is provider/: the bundle is
 * still the built one.
 */
export const PROVIDER_BUNDLE =
  path.basename(path.dirname(__dirname)) === "dist" ? path.resolve(__dirname, "bundle.js") : path.resolve(__dirname, "..", "dist", "provider", "bundle.js");

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
export function packageDir(pluginsDir: string, provider: Pick<ProviderPackage, "source" | "version"> = P1AS_PACKAGE): string {
  return path.join(pluginsDir, provider.source, provider.version, terraformPlatform());
}

/** Copies the p1as provider's bundle and writes its wrapper into `pluginsDir`'s package folder; returns the folder. */
export function installProvider(pluginsDir: string, bundle: string = PROVIDER_BUNDLE): string {
  return installPackage(pluginsDir, { ...P1AS_PACKAGE, bundle });
}

/** Copies a bundle and writes the wrapper that runs it into `pluginsDir`'s package folder; returns the folder. */
export function installPackage(pluginsDir: string, provider: ProviderPackage): string {
  if (!existsSync(provider.bundle)) throw new Error(`the provider bundle ${provider.bundle} does not exist; run npm run build first`);
  const dir = packageDir(pluginsDir, provider);
  const bundleName = `${provider.type}-provider.js`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(provider.bundle, path.join(dir, bundleName));
  const executable = `terraform-provider-${provider.type}${provider.executableSuffix ?? `_v${provider.version}`}`;
  writeFileSync(path.join(dir, executable), `#!/bin/sh\nexec node "$(dirname "$0")/${bundleName}" "$@"\n`, { mode: 0o755 });
  return dir;
}

/**
 * Terraform's `h1:` hash of an unpacked provider package: SHA-256 over the sorted lines
 * `<sha256 of file>  <file name>` (Go's dirhash.Hash1), base64. Equal to what `terraform init` records.
 */
export function packageHash(dir: string): string {
  const summary = readdirSync(dir)
    .sort()
    .map((file) => `${createHash("sha256").update(readFileSync(path.join(dir, file))).digest("hex")}  ${file}\n`)
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
export function installBesideStack(stackDir: string, bundle: string = PROVIDER_BUNDLE): string {
  const dir = installProvider(path.join(stackDir, "terraform.d", "plugins"), bundle);
  lockPackage(stackDir, PROVIDER_SOURCE, PROVIDER_VERSION, dir);
  return dir;
}

/**
 * Records an installed package in `stackDir`'s `.terraform.lock.hcl` as `terraform init` would (version,
 * constraint and `h1:` hash), keeping other providers' entries.
 */
export function lockPackage(stackDir: string, source: string, version: string, packageFolder: string): void {
  const entry = `provider "${source}" {\n  version     = "${version}"\n  constraints = "${version}"\n` + `  hashes = [\n    "${packageHash(packageFolder)}",\n  ]\n}\n`;
  const lockFile = path.join(stackDir, LOCK_FILE);
  const existing = existsSync(lockFile) ? readFileSync(lockFile, "utf8") : "# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n";
  const others = existing.replace(new RegExp(`\\n?provider "${source.replace(/[.]/g, "\\.")}" \\{[\\s\\S]*?\\n\\}\\n`), "");
  writeFileSync(lockFile, `${others.trimEnd()}\n\n${entry}`);
}
