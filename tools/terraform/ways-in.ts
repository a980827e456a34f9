/**
 * The checks our tools make before planning, for the ways in that run terraform without them: `npx cdktf
 * synth/diff/deploy` (cdktf runs the app, main.ts, then terraform on what it wrote) and `npm start`.
 */
import type { AppStacks } from "../../stacks/app-stacks";
import { CliError } from "../../cli-kit/errors";
import { checkUndeclaredStates, RETIRE_PROCEDURE } from "./retired-stacks";

/**
 * A state the config no longer declares that still holds objects is refused (./retired-stacks.ts), and so is a
 * retiring environment: cdktf would plan its stack like any other, re-creating what the retirement is to destroy,
 * where our deploy plans it with -destroy.
 */
export async function checkWaysIn(
  outdir: string,
  stacks: AppStacks,
  tool: string,
  log: (line: string) => void = () => {},
): Promise<void> {
  await checkUndeclaredStates(outdir, { log });
  const retiring = stacks.environments.filter((stack) => stack.environment.retiring).map((stack) => stack.node.id);
  if (retiring.length > 0) {
    throw new CliError(
      `refused: ${retiring.join(", ")} ${retiring.length === 1 ? "is" : "are"} retiring ("retire": true): ${tool} would plan ${retiring.length === 1 ? "it" : "them"} ` +
        `like any other stack and re-create what the retirement destroys. Deploy with npm run deploy, which plans a retiring stack with -destroy (${RETIRE_PROCEDURE}). Nothing was planned or applied.`,
    );
  }
}
