/** Where two JSON documents differ, path by path: what schema comparisons report. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path at which two JSON documents differ; key order is not a difference, array order is. */
export function differences(a: Json | undefined, b: Json | undefined, at = "$"): string[] {
  if (a === b) return [];
  if (
    a === null ||
    b === null ||
    a === undefined ||
    b === undefined ||
    typeof a !== "object" ||
    typeof b !== "object" ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return [`${at}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${at}: ${a.length} items != ${b.length} items`];
    return a.flatMap((item, i) => differences(item, b[i], `${at}[${i}]`));
  }
  const left = a as Record<string, Json>;
  const right = b as Record<string, Json>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => differences(left[key], right[key], `${at}.${key}`));
}
