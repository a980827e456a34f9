/**
 * cdktf app entry (`node dist/main.js`, see cdktf.json). The config file is P1AS_CONFIG
 * (default config/example.json); it is checked completely before any stack exists.
 */
import { App } from "cdktf";
import { loadConfig } from "./config/load";
import { ValidationError } from "./constructs/errors";
import { addStacks } from "./stacks/app-stacks";

function main(): void {
  const config = loadConfig();
  const app = new App();
  addStacks(app, config);
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // A config or prop error is the user's to fix: show the message, not a stack trace.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
