import { buildSync } from "esbuild";

/**
 * Bundles `entry` into the one file `outfile`, as `npm run build` bundles the p1as provider (package.json's
 * postbuild): a provider that terraform starts runs with no node_modules beside it. For the providers that only a
 * bench or a test needs, built when they run. Returns `outfile`.
 */
export function bundleEntry(entry: string, outfile: string): string {
  buildSync({ entryPoints: [entry], bundle: true, platform: "node", target: "node20", outfile, logLevel: "warning" });
  return outfile;
}
