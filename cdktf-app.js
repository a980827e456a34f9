#!/usr/bin/env node
/**
 * cdktf.json's `app`: what `npx cdktf synth`, `diff` and `deploy` run. The app is TypeScript compiled to dist/,
 * and `node dist/main.js` alone would synthesize whatever was compiled last, silently, after an edit. So this
 * builds first (`npm run build`: tsc, then the provider bundle) whenever a source is newer than the last build,
 * and costs a directory walk, not a 7 s tsc run, when the build is current. Plain JavaScript because it must
 * run before anything is compiled.
 *
 * "The last build" is dist/provider/bundle.js: postbuild rewrites it at the end of every successful
 * `npm run build`, while tsc's own outputs are only rewritten when their content changes.
 */
const { spawnSync } = require("node:child_process");
const { readdirSync, readFileSync, statSync } = require("node:fs");
const path = require("node:path");

const ROOT = __dirname;
const BUILD_STAMP = path.join(ROOT, "dist", "provider", "bundle.js");

/** Newest modification time of the build's inputs: tsconfig's includes (TypeScript files), tsconfig and package.json. */
function newestInput() {
  const { include } = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
  let newest = Math.max(statSync(path.join(ROOT, "tsconfig.json")).mtimeMs, statSync(path.join(ROOT, "package.json")).mtimeMs);
  const visit = (file) => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) if (entry !== "node_modules") visit(path.join(file, entry));
    } else if (file.endsWith(".ts")) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of include) visit(path.join(ROOT, entry));
  return newest;
}

function isStale() {
  const built = statSync(BUILD_STAMP, { throwIfNoEntry: false });
  return !built || newestInput() > built.mtimeMs;
}

if (isStale()) {
  process.stderr.write("cdktf-app: TypeScript sources changed since the last build: npm run build\n");
  // tsc reports on stdout, which cdktf reads as the app's output: send everything to stderr.
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const build = spawnSync(npm, ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (build.status !== 0) {
    process.stderr.write("cdktf-app: npm run build failed (above); nothing was synthesized\n");
    process.exit(1);
  }
}
// cdktf runs terraform on what this writes, so the app makes the checks our tools make (main.ts checkWaysIn).
require("./dist/main.js").runApp(process.argv.slice(2), { via: "cdktf" });
