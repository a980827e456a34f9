/**
 * Terraform resource names derived from the API's keys, so an object's address says which object it is
 * (`p1as_hostname.auth_dev_acme_example`) and never changes while the key does not. Hostnames and
 * certificate names are DNS names (no '_'), so mapping '.' to '_' cannot make two keys one name.
 */
export function resourceNameFor(key: string): string {
  const name = key.replace(/\./g, "_");
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** The API key a resource name was derived from (the inverse of resourceNameFor). */
export function keyFromResourceName(name: string): string {
  return name.replace(/^_/, "").replace(/_/g, ".");
}

/** The `import` block that takes over the object `key` as resource `type`. */
export function importBlock(type: string, key: string): string {
  return `import {\n  to = ${type}.${resourceNameFor(key)}\n  id = ${JSON.stringify(key)}\n}`;
}
