/**
 * Where terraform finds our provider. The host is not a registry: `terraform.local` is the customary name for
 * providers installed by hand, so the address can never be mistaken for (or resolved to) one in Ping's
 * registry namespace. Terraform finds it offline in an implied local mirror:
 * `terraform.d/plugins/<host>/<namespace>/<type>/<version>/<os>_<arch>/` beside the configuration, or under
 * `~/.terraform.d/plugins/`.
 */
export const PROVIDER_HOST = "terraform.local";
export const PROVIDER_NAMESPACE = "p1as-cdktf";
export const PROVIDER_TYPE = "p1as";
/** Follows package.json's version; the installed folder and the executable name carry it. */
export const PROVIDER_VERSION = "0.1.0";
/** `terraform.local/p1as-cdktf/p1as`, as `required_providers` names it. */
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
