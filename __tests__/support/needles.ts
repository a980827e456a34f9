/**
 * The forms a value can take once a program has printed, encoded or embedded it. Suites that prove a secret
 * or a canary appears nowhere search for every form, not only the plain text.
 */

export interface Needle {
  readonly form: string;
  readonly value: string;
}

/** Every form a value could take in a log: plain, JSON-escaped, URL-encoded, base64/base64url at every alignment. */
export function forms(value: string): Needle[] {
  const needles: Needle[] = [
    { form: "plain", value },
    { form: "JSON-escaped", value: JSON.stringify(value).slice(1, -1) },
    { form: "URL-encoded", value: encodeURIComponent(value) },
    { form: "form-encoded", value: new URLSearchParams({ v: value }).toString().slice(2) },
  ];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.from("\0".repeat(offset) + value).toString("base64");
    // The first and last 4 characters depend on what surrounds the value; the middle cannot.
    const middle = encoded.slice(offset === 0 ? 0 : 4, -4);
    needles.push({ form: `base64 (offset ${offset})`, value: middle });
    needles.push({ form: `base64url (offset ${offset})`, value: middle.replace(/\+/g, "-").replace(/\//g, "_") });
  }
  return needles;
}

/** "<name> (<form>)" for every form of every named value found in `text`. */
export function findForms(text: string, values: readonly { name: string; needles: readonly Needle[] }[]): string[] {
  return values.flatMap(({ name, needles }) =>
    needles.filter((needle) => text.includes(needle.value)).map((needle) => `${name} (${needle.form})`),
  );
}
