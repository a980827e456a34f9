/**
 * The Node lines the provider is tested on (.ci/run: the whole suite on 24, the in-process tier on 20, 22 and
 * 24; package.json's engines names the same lines). The provider refuses any other line, at install and at
 * start: Node 22 and 24 once changed its behaviour enough to fail the fault matrix (docs/reliability-and-security.md),
 * so a line nobody ran the suites on is not assumed to work.
 */
export const TESTED_NODE_LINES: readonly number[] = [20, 22, 24];

/** The environment variable that names the Node binary the provider is installed to run on. */
export const PROVIDER_NODE_ENV = "P1AS_PROVIDER_NODE";

/** Why the provider will not run on `version` (as `node --version` prints it) at `nodePath`; undefined when it will. */
export function untestedNodeLine(version: string, nodePath: string): string | undefined {
  const major = /^v(\d+)\./.exec(version)?.[1];
  if (major !== undefined && TESTED_NODE_LINES.includes(Number(major))) return undefined;
  return (
    `the p1as provider does not run on Node ${version} (${nodePath}): it is tested on Node ${TESTED_NODE_LINES.join(", ")} only. ` +
    `Install it for a Node of a tested line: set ${PROVIDER_NODE_ENV} to that node binary, then run npm run synth or npm run provider:install again`
  );
}
