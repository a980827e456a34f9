/**
 * Installs the PingOne provider test double where only a test or the demo finds it: a new throw-away folder
 * holding a filesystem mirror (the double as `registry.terraform.io/pingidentity/pingone` 1.21.0, and our
 * p1as provider) and a terraform CLI configuration that installs providers from that mirror alone. Terraform
 * uses it only when TF_CLI_CONFIG_FILE names it, so a deploy without that variable never sees the double;
 * and `terraform init` needs no network. Never under `~/.terraform.d` or a project's `terraform.d`, the
 * implied mirrors every terraform run searches.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROVIDER_BUNDLE, installPackage, installProvider, lockPackage } from "../provider/install";
import { PROVIDER_SOURCE } from "../provider/public-face";
import { DOUBLE_SCHEMA_VERSION, DOUBLE_SOURCE, DOUBLE_TYPE, DOUBLE_VERSION, TEST_DOUBLE_NOTICE } from "./source";

/** The esbuild bundle of pingone-double/main.ts that `npm run build` makes (see provider/install.ts). */
export const DOUBLE_BUNDLE =
  path.basename(path.dirname(__dirname)) === "dist"
    ? path.resolve(__dirname, "bundle.js")
    : path.resolve(__dirname, "..", "dist", "pingone-double", "bundle.js");

export interface TestDoubleInstallation {
  /** The throw-away folder holding everything below. */
  readonly dir: string;
  /** The filesystem mirror. */
  readonly mirrorDir: string;
  /** The CLI configuration; terraform reads it only through TF_CLI_CONFIG_FILE. */
  readonly cliConfigFile: string;
  /**
   * Environment for terraform: TF_CLI_CONFIG_FILE, and no plugin cache (a cache would keep the double
   * where a later real `terraform init` could take it).
   */
  readonly env: { readonly TF_CLI_CONFIG_FILE: string; readonly TF_PLUGIN_CACHE_DIR: string };
  /**
   * Records the double in a synthesized stack's `.terraform.lock.hcl`, as `terraform init` with this
   * installation would, so that `cdktf deploy`/`diff` skip their `terraform providers lock` (which would look
   * for Ping's provider on the network). The lock then holds the double's hash: keep such stacks throw-away.
   */
  lockBeside(stackDir: string): void;
  /** Deletes the folder. */
  remove(): void;
}

export interface InstallTestDoubleOptions {
  /** Where the throw-away folder is made (the demo passes its `.demo/`). @default - the system's temporary folder */
  readonly parentDir?: string;
  /** @default - the built bundles in dist/ */
  readonly doubleBundle?: string;
  readonly p1asBundle?: string;
}

export function installTestDouble(options: InstallTestDoubleOptions = {}): TestDoubleInstallation {
  const parent = path.resolve(options.parentDir ?? os.tmpdir());
  if (parent.split(path.sep).includes("terraform.d")) {
    throw new Error(
      `refusing to install the PingOne provider test double under ${parent}: terraform searches every terraform.d folder on its own`,
    );
  }
  const dir = mkdtempSync(path.join(parent, "pingone-test-double-"));
  const mirrorDir = path.join(dir, "mirror");
  const doublePackage = installPackage(mirrorDir, {
    source: DOUBLE_SOURCE,
    type: DOUBLE_TYPE,
    version: DOUBLE_SCHEMA_VERSION,
    executableSuffix: `_v${DOUBLE_VERSION}`,
    bundle: options.doubleBundle ?? DOUBLE_BUNDLE,
  });
  installProvider(mirrorDir, options.p1asBundle ?? PROVIDER_BUNDLE);
  const cliConfigFile = path.join(dir, "terraform.tfrc");
  writeFileSync(
    cliConfigFile,
    `# ${TEST_DOUBLE_NOTICE}.\n# For tests and the demo only; made by pingone-double/install.ts.\n` +
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirrorDir)}\n` +
      `    include = [${JSON.stringify(DOUBLE_SOURCE)}, ${JSON.stringify(PROVIDER_SOURCE)}]\n  }\n}\n`,
  );
  return {
    dir,
    mirrorDir,
    cliConfigFile,
    env: { TF_CLI_CONFIG_FILE: cliConfigFile, TF_PLUGIN_CACHE_DIR: "" },
    lockBeside: (stackDir) => lockPackage(stackDir, DOUBLE_SOURCE, DOUBLE_SCHEMA_VERSION, doublePackage),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
