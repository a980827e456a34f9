/**
 * What the PingOne provider test double calls itself. Terraform resolves `pingidentity/pingone` to
 * `registry.terraform.io/pingidentity/pingone`, and our stacks pin version `1.21.0`; terraform matches a
 * pre-release (`1.21.0-test-double`) only when a constraint names it, so the package carries the plain version
 * and everything else says "test double": the executable's name, every log line, a warning on every plan.
 */
export const DOUBLE_SOURCE = "registry.terraform.io/pingidentity/pingone";
export const DOUBLE_TYPE = "pingone";
/** The version of Ping's provider whose schema the double declares, and under which it installs. */
export const DOUBLE_SCHEMA_VERSION = "1.21.0";
/** What the double reports as its own version wherever it is not a terraform version constraint. */
export const DOUBLE_VERSION = `${DOUBLE_SCHEMA_VERSION}-test-double`;
/** The line demos and tests print; the double's plan and apply warning starts with it. */
export const TEST_DOUBLE_NOTICE = `PingOne provider test double ${DOUBLE_VERSION} (p1as-cdktf): not Ping Identity's provider; it only talks to an emulated PingOne on loopback`;
