/**
 * `npm run provider:install -- [--dir <plugins dir>]`: installs the built p1as provider into a plugins
 * directory terraform searches without network or CLI configuration (by default the user's implied local
 * mirror, `~/.terraform.d/plugins`), so plain `.tf` files (examples/hcl/) can use it.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { installProvider } from "../../provider/install";
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "../../provider/public-face";
import { parseCommandLine, reportFailure, runMain } from "../../cli-kit/command-line";

/** Terraform's per-user implied mirror; HOME is read at call time so a test can point it elsewhere. */
export function defaultPluginsDir(): string {
  return path.join(os.homedir(), ".terraform.d", "plugins");
}

/** What a configuration declares to use the installed provider. */
export const REQUIRED_PROVIDERS_SNIPPET = `terraform {
  required_providers {
    ${PROVIDER_TYPE} = {
      source  = "${PROVIDER_SOURCE}"
      version = "${PROVIDER_VERSION}"
    }
  }
}
`;

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("provider:install")
    .description(
      `Install the built ${PROVIDER_SOURCE} ${PROVIDER_VERSION} provider where terraform init finds it offline.`,
    )
    .option("--dir <plugins dir>", "terraform plugins directory (an implied local mirror)", defaultPluginsDir())
    .exitOverride();
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const { dir } = program.opts<{ dir: string }>();
  try {
    const installed = installProvider(path.resolve(dir));
    process.stdout.write(
      `Installed ${PROVIDER_SOURCE} ${PROVIDER_VERSION} in ${installed}\n\nDeclare it in your configuration:\n\n${REQUIRED_PROVIDERS_SNIPPET}`,
    );
    return 0;
  } catch (error) {
    return reportFailure("provider:install", error);
  }
}

if (require.main === module) runMain(main);
