/**
 * A P1AS virtual host (the API's `/hostnames` object, keyed by `hostname`): a `p1as_hostname` resource.
 */
import { Construct } from "constructs";
import { Hostname as HostnameResource } from "../../.gen/providers/p1as/hostname";
import { resourceNameFor } from "../../p1as/terraform-names";
import { templateLiteral } from "../terraform-literal";
import { Product, PRODUCTS } from "../../p1as/facts";
import { hostnameProblems } from "../../p1as/hostname";
import { invalidField } from "../errors";
import { assertAdopt, ICertificate, keyProblems } from "./certificate";
import { VirtualHosts } from "./virtual-hosts";

export interface HostnameProps {
  /** The API's `hostname`: a lowercase fully qualified DNS name, no wildcard, no IP address. Renaming it creates the new one and deletes the old. */
  readonly hostname: string;
  /** The API's `product`: which P1AS product the hostname routes to. Changed in place where the API has an update route, else by replacement. */
  readonly product: Product;
  /** The certificate served for the hostname; its name becomes the API's `certname`. Changed like `product`. */
  readonly certificate: ICertificate;
  /**
   * Take over a hostname that already exists in the API with a different product or certname,
   * overwriting them. Without it, such a create fails, names the differences and shows the `import` block to use.
   * @default false
   */
  readonly adopt?: boolean;
}

export class Hostname extends Construct {
  public readonly hostname: string;
  public readonly product: Product;
  public readonly certname: string;
  public readonly adopt: boolean;
  /** The `p1as_hostname` resource, named after the hostname (`p1as_hostname.auth_dev_acme_example`). */
  public readonly resource: HostnameResource;

  /** @param scope a VirtualHosts, or a plain Construct inside one that groups hostnames */
  constructor(scope: Construct, id: string, props: HostnameProps) {
    super(scope, id);
    const where = this.node.path;
    const virtualHosts = VirtualHosts.of(this);

    const problems = keyProblems(props.hostname, hostnameProblems);
    const duplicate = virtualHosts.hostnames.find((hostname) => hostname.hostname === props.hostname);
    if (duplicate) problems.push(`is already declared by ${duplicate.node.path}; hostnames are unique`);
    if (problems.length > 0) throw invalidField(where, "hostname", props.hostname, problems);
    if (!(PRODUCTS as readonly string[]).includes(props.product)) {
      throw invalidField(where, "product", props.product, [`must be one of ${PRODUCTS.join(", ")}`]);
    }
    assertAdopt(where, props.adopt);
    if (!virtualHosts.owns(props.certificate)) {
      throw invalidField(where, "certificate", props.certificate.node.path, [
        "belongs to another VirtualHosts (another stack); bring it in with Certificate.fromCertificateName(scope, id, name)",
      ]);
    }

    this.hostname = props.hostname;
    this.product = props.product;
    this.certname = props.certificate.certificateName;
    this.adopt = props.adopt ?? false;
    this.resource = new HostnameResource(this, "resource", {
      provider: virtualHosts.provider,
      hostname: templateLiteral(props.hostname),
      product: this.product,
      certname: props.certificate.certname,
      adopt: this.adopt,
    });
    this.resource.overrideLogicalId(resourceNameFor(props.hostname));
    virtualHosts._addHostname(this);
  }
}
