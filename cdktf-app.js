#!/usr/bin/env node
/**
 * cdktf.json's `app`: what `npx cdktf synth`, `diff` and `deploy` run. The app is TypeScript compiled to dist/,
 * and `node dist/main.js` alone would synthesize whatever was compiled last, silently, after an edit. So this
 * builds first whenever a source is newer than the last build (scripts/build-if-stale.js, as every npm script
 * does). Plain JavaScript because it must run before anything is compiled.
 */
require("./scripts/build-if-stale.js").buildIfStale("cdktf-app");
// cdktf runs terraform on what this writes, so the app makes the checks our tools make (tools/terraform/ways-in.ts).
require("./dist/main.js").runApp(process.argv.slice(2), { via: "cdktf" });
