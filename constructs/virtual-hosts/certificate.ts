/**
 * A P1AS virtual-host certificate (the API's `/certificates` object, keyed by `name`): a `p1as_certificate`
 * resource. The chain is public and goes into the configuration; the private key never does: the
 * resource's write-only `private_key_wo` reads it with `file()` at plan and apply, or from an ephemeral
 * variable.
 */
import * as path from "node:path";
import { App, TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { Certificate as CertificateResource } from "../../.gen/providers/p1as/certificate";
import { certnameProblems } from "../../p1as/hostname";
import { checkCertificatePair, parseFullchain, PemField } from "../../p1as/pem";
import { readPemFile } from "../../p1as/pem-file";
import { resourceNameFor } from "../../p1as/terraform-names";
import { conflictingFields, invalidField } from "../errors";
import { expressionLiteral, templateLiteral } from "../terraform-literal";
import { PROJECT_ROOT, VirtualHosts } from "./virtual-hosts";

/** A certificate a hostname can name as its `certname`. */
export interface ICertificate extends IConstruct {
  /** The API's `name` of the certificate. */
  readonly certificateName: string;
  /**
   * What a hostname's `certname` is set to: a reference to the certificate's resource, so that terraform
   * creates the certificate before the hostnames that use it (and deletes it after), or the plain name of
   * a certificate managed elsewhere.
   */
  readonly certname: string;
}

export interface CertificateProps {
  /** The API's `name`: a lowercase DNS-1123 name (it becomes a Kubernetes Secret name). */
  readonly name: string;
  /**
   * PEM file holding the leaf certificate first, then its issuers. Read at synth (fingerprint and expiry
   * go into the plan) and again at apply. Relative paths are relative to the project root.
   */
  readonly fullchainFile: string;
  /**
   * PEM file holding the unencrypted RSA private key of the leaf. Only its path reaches Terraform.
   * @default - none; then `privateKeyVariable` is required (exactly one of the two)
   */
  readonly privateKeyFile?: string;
  /**
   * A sensitive Terraform variable holding the private key PEM, set as `TF_VAR_<name>`. It feeds the
   * write-only `private_key_wo`, so declare it `ephemeral`: its value then enters no plan and no state.
   * @default - none; then `privateKeyFile` is required (exactly one of the two)
   */
  readonly privateKeyVariable?: TerraformVariable;
  /**
   * Take over a certificate of the same name that already exists in the API with different content,
   * overwriting it. Without it, such a create fails and shows the `import` block to use.
   * @default false
   */
  readonly adopt?: boolean;
}

/** A certificate declared in code: created, updated and deleted through the self-service API by the p1as provider. */
export class Certificate extends Construct implements ICertificate {
  /** Brings in a certificate managed elsewhere (another stack, the console) so hostnames can name it. */
  public static fromCertificateName(scope: Construct, id: string, name: string): ICertificate {
    const problems = Token.isUnresolved(name) ? [] : certnameProblems(name);
    if (problems.length > 0) throw invalidField(`${scope.node.path}/${id}`, "name", name, problems);
    class Imported extends Construct implements ICertificate {
      public readonly certificateName = name;
      public readonly certname = templateLiteral(name);
    }
    return new Imported(scope, id);
  }

  public readonly certificateName: string;
  /** A reference to the resource's `name`: hostnames that use it are ordered after it. */
  public readonly certname: string;
  /** Full-chain file, relative to the project root. */
  public readonly fullchainFile: string;
  /** Private-key file relative to the project root, or "" when the key comes from a variable. */
  public readonly privateKeyFile: string;
  /** The `p1as_certificate` resource, named after the certificate (`p1as_certificate.wildcard-dev`). */
  public readonly resource: CertificateResource;
  /** Leaf certificate's SHA-256 fingerprint (upper-case hex with colons). */
  public readonly sha256Fingerprint: string;
  /** Leaf certificate's expiry, ISO-8601. */
  public readonly notAfter: string;
  public readonly adopt: boolean;

  /** @param scope a VirtualHosts, or a plain Construct inside one that groups certificates */
  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    const where = this.node.path;
    const virtualHosts = VirtualHosts.of(this);

    const nameProblems = keyProblems(props.name, certnameProblems);
    const duplicate = virtualHosts.certificates.find((certificate) => certificate.certificateName === props.name);
    if (duplicate) nameProblems.push(`is already declared by ${duplicate.node.path}; certificate names are unique`);
    if (nameProblems.length > 0) throw invalidField(where, "name", props.name, nameProblems);

    assertAdopt(where, props.adopt);
    if ((props.privateKeyFile === undefined) === (props.privateKeyVariable === undefined)) {
      throw conflictingFields(
        where,
        "privateKeyFile",
        "privateKeyVariable",
        props.privateKeyFile === undefined ? "neither is given" : "both are given",
        "Give exactly one: a key file path, or a sensitive Terraform variable.",
      );
    }
    if (props.privateKeyVariable && !props.privateKeyVariable.sensitive) {
      throw invalidField(where, "privateKeyVariable", props.privateKeyVariable.node.path, [
        "must be declared with sensitive: true",
      ]);
    }

    const fullchain = readDeclaredFile(where, "fullchainFile", props.fullchainFile);
    const privkey =
      props.privateKeyFile === undefined ? undefined : readDeclaredFile(where, "privateKeyFile", props.privateKeyFile);
    const check = checkCertificatePair({ fullchain, privkey: privkey ?? "" });
    if (!check.ok) {
      // With a variable key only the chain can be judged at synth; the provider checks the pair at plan.
      const fieldNames: Record<PemField, string> = { fullchain: "fullchainFile", privkey: "privateKeyFile" };
      for (const field of ["fullchain", "privkey"] as const) {
        if (field === "privkey" && privkey === undefined) continue;
        const reasons = check.problems.filter((problem) => problem.field === field).map((problem) => problem.reason);
        const given = field === "fullchain" ? props.fullchainFile : props.privateKeyFile;
        if (reasons.length > 0) throw invalidField(where, fieldNames[field], given, reasons);
      }
    }
    const leaf = parseFullchain(fullchain).certificates[0];

    this.certificateName = props.name;
    this.fullchainFile = projectRelative(props.fullchainFile);
    this.privateKeyFile = props.privateKeyFile === undefined ? "" : projectRelative(props.privateKeyFile);
    this.sha256Fingerprint = leaf.fingerprint256;
    this.notAfter = new Date(leaf.validTo).toISOString();
    this.adopt = props.adopt ?? false;

    this.resource = new CertificateResource(this, "resource", {
      provider: virtualHosts.provider,
      name: templateLiteral(props.name),
      fullchain: templateLiteral(fullchain),
      privateKeyWo: props.privateKeyVariable
        ? props.privateKeyVariable.stringValue
        : keyFileExpression(this, props.privateKeyFile!),
      // The key belongs to the leaf, so a new leaf is what sends a new key.
      privateKeyWoVersion: leaf.fingerprint256,
      adopt: this.adopt,
      // Terraform orders an update of a hostname after the destroy of the certificate it used (its state
      // dependency), and the API refuses to delete a certificate in use: moving hostnames off a certificate
      // and removing it (or renaming it) in one apply would wait for itself. Destroying last fixes the order.
      lifecycle: { createBeforeDestroy: true },
    });
    this.resource.overrideLogicalId(resourceNameFor(props.name));
    this.certname = this.resource.name;
    virtualHosts._addCertificate(this);
  }
}

/**
 * Names and hostnames key the for_each maps, so they become Terraform addresses: a token (a value known
 * only at apply) cannot be one.
 */
export function keyProblems(value: string, rules: (value: string) => string[]): string[] {
  return Token.isUnresolved(value)
    ? ["must be a literal known at synth: it keys the resource's Terraform address"]
    : rules(value);
}

/** `adopt` goes to the provider as a bool; from plain JavaScript (or JSON) anything could arrive. */
export function assertAdopt(where: string, adopt: unknown): void {
  if (adopt !== undefined && typeof adopt !== "boolean")
    throw invalidField(where, "adopt", adopt, ["must be true or false"]);
}

/**
 * `file("<key path>")`, evaluated by terraform at plan and apply into the write-only attribute: the key is
 * read then and never written anywhere. The path is relative to the stack's folder, where terraform runs.
 */
function keyFileExpression(scope: Construct, file: string): string {
  const stackDir = path.resolve(App.of(scope).outdir, "stacks", TerraformStack.of(scope).node.id);
  const relative = path.relative(stackDir, path.resolve(PROJECT_ROOT, file)).split(path.sep).join("/");
  return `\${file(${expressionLiteral(relative)})}`;
}

/** Paths shown to people are relative to the project root, so they read the same on every machine. */
function projectRelative(file: string): string {
  const relative = path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, file));
  return relative.split(path.sep).join("/");
}

function readDeclaredFile(where: string, field: string, file: string): string {
  const read = readPemFile(path.resolve(PROJECT_ROOT, file));
  if (!read.ok)
    throw invalidField(where, field, file, [
      `must be a readable regular file (paths are relative to the project root ${PROJECT_ROOT}): ${read.reason}`,
    ]);
  return read.text;
}
