/**
 * A P1AS virtual-host certificate (the API's `/certificates` object, keyed by `name`).
 */
import * as path from "node:path";
import { TerraformVariable, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { certnameProblems } from "../../p1as/hostname";
import { checkCertificatePair, parseFullchain, PemField } from "../../p1as/pem";
import { readPemFile } from "../../p1as/pem-file";
import { terraformVariableEnv } from "../../driver/consts";
import { conflictingFields, invalidField } from "../errors";
import { PROJECT_ROOT, VirtualHosts } from "./virtual-hosts";

/** A certificate a hostname can name as its `certname`. */
export interface ICertificate extends IConstruct {
  /** The API's `name` of the certificate. */
  readonly certificateName: string;
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
   * A sensitive Terraform variable holding the private key PEM. The driver reads it from
   * `TF_VAR_<name>` in the environment of terraform, so its value never enters the plan or the state
   * when the variable is declared `ephemeral`.
   * @default - none; then `privateKeyFile` is required (exactly one of the two)
   */
  readonly privateKeyVariable?: TerraformVariable;
  /**
   * Take over a certificate of the same name that already exists in the API with different content,
   * overwriting it. Without it, such a create fails and names the differing fields.
   * @default false
   */
  readonly adopt?: boolean;
}

/** A certificate declared in code: created, updated and deleted through the self-service API on deploy. */
export class Certificate extends Construct implements ICertificate {
  /** Brings in a certificate managed elsewhere (another stack, the console) so hostnames can name it. */
  public static fromCertificateName(scope: Construct, id: string, name: string): ICertificate {
    const problems = Token.isUnresolved(name) ? [] : certnameProblems(name);
    if (problems.length > 0) throw invalidField(`${scope.node.path}/${id}`, "name", name, problems);
    class Imported extends Construct implements ICertificate {
      public readonly certificateName = name;
    }
    return new Imported(scope, id);
  }

  public readonly certificateName: string;
  /** Full-chain file, relative to the project root (what the plan shows). */
  public readonly fullchainFile: string;
  /** Private-key file relative to the project root, or "" when the key comes from a variable. */
  public readonly privateKeyFile: string;
  /** `TF_VAR_<name>` of the private-key variable, or "" when the key comes from a file. */
  public readonly privateKeyEnv: string;
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
      throw invalidField(where, "privateKeyVariable", props.privateKeyVariable.node.path, ["must be declared with sensitive: true"]);
    }

    const fullchain = readDeclaredFile(where, "fullchainFile", props.fullchainFile);
    const privkey = props.privateKeyFile === undefined ? undefined : readDeclaredFile(where, "privateKeyFile", props.privateKeyFile);
    const check = checkCertificatePair({ fullchain, privkey: privkey ?? "" });
    if (!check.ok) {
      // With a variable key only the chain can be judged at synth; the driver checks the pair at apply.
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
    // friendlyUniqueId honours overrideLogicalId (the config names its variables by address); getLogicalId does not.
    this.privateKeyEnv = props.privateKeyVariable ? terraformVariableEnv(props.privateKeyVariable.friendlyUniqueId) : "";
    this.sha256Fingerprint = leaf.fingerprint256;
    this.notAfter = new Date(leaf.validTo).toISOString();
    this.adopt = props.adopt ?? false;
    virtualHosts._addCertificate(this);
  }
}

/**
 * Names and hostnames key the for_each maps, so they become Terraform addresses: a token (a value known
 * only at apply) cannot be one.
 */
export function keyProblems(value: string, rules: (value: string) => string[]): string[] {
  return Token.isUnresolved(value) ? ["must be a literal known at synth: it keys the resource's Terraform address"] : rules(value);
}

/** Paths in the plan are relative to the project root, so the plan reads the same on every machine. */
function projectRelative(file: string): string {
  const relative = path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, file));
  return relative.split(path.sep).join("/");
}

function readDeclaredFile(where: string, field: string, file: string): string {
  const read = readPemFile(path.resolve(PROJECT_ROOT, file));
  if (!read.ok) throw invalidField(where, field, file, [`must be a readable regular file (paths are relative to the project root ${PROJECT_ROOT}): ${read.reason}`]);
  return read.text;
}
