/**
 * Installs the provider where terraform finds it with no network and no CLI configuration: an implied local
 * mirror, `<dir>/terraform.d/plugins/<source>/<version>/<os>_<arch>/`. Synth installs it beside every stack
 * that uses it (so `cdktf deploy`, `cdktf diff` and a plain `terraform plan` in the stack folder work), and
 * `npm run provider:install` installs it under `~/.terraform.d/plugins/` for plain `.tf` files.
 *
 * The folder holds the bundle and a wrapper that runs it with `node` from PATH, and nothing that names where
 * the project lives, so its `.terraform.lock.hcl` hash is the same on every machine with the same build.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "./source";

/**
 * The esbuild bundle of provider/main.ts that `npm run build` makes (package.json's postbuild), in
 * dist/provider/. Tests run this file from source (ts-jest), where __dirname is provider/: the bundle is
 * still the built one.
 */
export const PROVIDER_BUNDLE =
  path.basename(path.dirname(__dirname)) === "dist" ? path.resolve(__dirname, "bundle.js") : path.resolve(__dirname, "..", "dist", "provider", "bundle.js");
const BUNDLE_NAME = `${PROVIDER_TYPE}-provider.js`;

/** Terraform's name for this machine's platform (`linux_amd64`). */
export function terraformPlatform(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** The package folder inside a plugins directory (`.../terraform.d/plugins`). */
export function packageDir(pluginsDir: string): string {
  return path.join(pluginsDir, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
}

/** Copies the bundle and writes the wrapper into `pluginsDir`'s package folder; returns the folder. */
export function installProvider(pluginsDir: string, bundle: string = PROVIDER_BUNDLE): string {
  if (!existsSync(bundle)) throw new Error(`the provider bundle ${bundle} does not exist; run npm run build first`);
  const dir = packageDir(pluginsDir);
  mkdirSync(dir, { recursive: true });
  copyFileSync(bundle, path.join(dir, BUNDLE_NAME));
  writeFileSync(path.join(dir, `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`), `#!/bin/sh\nexec node "$(dirname "$0")/${BUNDLE_NAME}" "$@"\n`, { mode: 0o755 });
  return dir;
}
