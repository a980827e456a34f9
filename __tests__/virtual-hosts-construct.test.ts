/**
 * The VirtualHosts, Certificate and Hostname constructs as synthesized JSON: the `p1as` provider block,
 * `p1as_certificate`, `p1as_hostname` and the two list data sources, checked with cdktf's Testing matchers;
 * and every prop of every construct rejected, when bad, with the construct path, the field and the reason.
 */
import "cdktf/lib/testing/adapters/jest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, DataResource, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Certificate as CertificateResource } from "../.gen/providers/p1as/certificate";
import { DataP1AsCertificates } from "../.gen/providers/p1as/data-p1as-certificates";
import { DataP1AsHostnames } from "../.gen/providers/p1as/data-p1as-hostnames";
import { Hostname as HostnameResource } from "../.gen/providers/p1as/hostname";
import { P1AsProvider } from "../.gen/providers/p1as/provider";
import { ISelfServiceCredentials, SelfServiceCredentials } from "../constructs/credentials";
import { ValidationError } from "../constructs/errors";
import { Certificate, CertificateProps, Hostname, VirtualHosts, VirtualHostsProps } from "../constructs/virtual-hosts";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/public-face";
import { makeCertificate } from "./support/certs";

// (before the describe blocks: the case tables use them while jest collects the tests)
const CLIENT_ID = "b6c1e2d3-0000-4000-8000-000000000001";
const AUDIT_CLIENT_ID = "b6c1e2d3-0000-4000-8000-0000000a0d17";
const API_URL = "http://127.0.0.1:4010/dev/api/v1";
const TOKEN_URL = "http://127.0.0.1:4010/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token";
const ENV_ID_FOR_LOOKUP = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";

describe("VirtualHosts construct", () => {
  describe("the provider block", () => {
    test("points at the API and token endpoint with the client id and the name of the variable that holds its secret", () => {
      // GIVEN credentials whose secret comes from an environment variable
      const { stack } = declare(() => undefined);

      // WHEN synthesized
      const synth = Testing.synth(stack);

      // THEN the p1as provider carries the endpoints, the client id, the timings and where the secret is read from
      expect(synth).toHaveProviderWithProperties(P1AsProvider, {
        api_url: API_URL,
        token_url: TOKEN_URL,
        client_id: CLIENT_ID,
        client_secret_env: "P1AS_DEV_CLIENT_SECRET",
        poll_interval_ms: 2000,
        ready_timeout_ms: 600000,
        request_timeout_ms: 30000,
      });
      // AND the contract is left to the provider, which discovers it (or reads P1AS_API_CONTRACT)
      expect(synthesized(stack).provider.p1as[0].api_contract).toBeUndefined();
      // AND no secret and no Terraform variable for it: the provider process reads the variable at plan and apply
      expect(synthesized(stack).provider.p1as[0].client_secret).toBeUndefined();
      expect(synthesized(stack).variable).toBeUndefined();
      // AND terraform finds the provider at our source address and is recent enough for write-only attributes
      expect(synthesized(stack).terraform).toEqual({
        required_providers: { p1as: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } },
        required_version: ">= 1.11",
      });
    });

    test.each(["discover", "confirmed", "assumed"] as const)(
      "passes apiContract %s and the timings as given",
      (apiContract) => {
        // GIVEN an explicit contract and timings WHEN synthesized THEN the provider block says so
        const { stack } = declare(() => undefined, variableCredentials, {
          apiContract,
          pollIntervalMs: 50,
          readyTimeoutMs: 5000,
          requestTimeoutMs: 1000,
        });
        expect(Testing.synth(stack)).toHaveProviderWithProperties(P1AsProvider, {
          api_contract: apiContract,
          poll_interval_ms: 50,
          ready_timeout_ms: 5000,
          request_timeout_ms: 1000,
        });
      },
    );

    test("a read-only client reads: its id and its own variable go into the block beside the write client's", () => {
      // GIVEN a write client and a read-only client
      const { stack } = declare(() => undefined, variableCredentials, {
        readCredentials: readOnlyCredentials(TOKEN_URL),
      });

      // WHEN synthesized THEN the block names both clients and both variables, and no secret
      const block = synthesized(stack).provider.p1as[0];
      expect(block).toMatchObject({
        client_id: CLIENT_ID,
        client_secret_env: "P1AS_DEV_CLIENT_SECRET",
        read_client_id: AUDIT_CLIENT_ID,
        read_client_secret_env: "P1AS_DEV_AUDIT_CLIENT_SECRET",
      });
      expect(block.client_secret).toBeUndefined();
      expect(block.read_client_secret).toBeUndefined();
    });

    test("a client id that is a Terraform reference is refused: it would be unknown at a plan from zero", () => {
      expect(() =>
        declare(
          () => undefined,
          (stack) => {
            const created = new DataResource(stack, "client-source", { input: { value: "x" } });
            return {
              clientId: created.getStringAttribute("output"),
              clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
              tokenUrl: TOKEN_URL,
            };
          },
        ),
      ).toThrow("must be known at synth (a literal); for a client created by the same apply, use pingOneApplication");
    });

    test("credentials looked up in PingOne become pingone_* literals, with no client id and no secret", () => {
      const { stack } = declare(
        () => undefined,
        () => ({
          pingOneApplication: { environmentId: ENV_ID_FOR_LOOKUP, name: "p1as-dev-orchestration" },
          clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
          tokenUrl: TOKEN_URL,
        }),
      );
      const [provider] = synthesized(stack).provider.p1as;
      expect(provider).toMatchObject({
        pingone_environment_id: ENV_ID_FOR_LOOKUP,
        pingone_application: "p1as-dev-orchestration",
        client_secret_env: "P1AS_DEV_CLIENT_SECRET",
      });
      expect(provider.client_id).toBeUndefined();
      expect(provider.client_secret).toBeUndefined();
    });

    test("the data sources list what the API holds through the same provider", () => {
      const { stack } = declare(() => undefined);
      const synth = Testing.synth(stack);
      expect(synth).toHaveDataSourceWithProperties(DataP1AsCertificates, { provider: "p1as" });
      expect(synth).toHaveDataSourceWithProperties(DataP1AsHostnames, { provider: "p1as" });
      expect(Object.keys(synthesized(stack).data.p1as_certificates)).toEqual(["held"]);
      expect(Object.keys(synthesized(stack).data.p1as_hostnames)).toEqual(["held"]);
    });
  });

  describe("p1as_certificate", () => {
    test("carries the chain, the leaf fingerprint as the key's version and file() of the key path, never the key", () => {
      // GIVEN a certificate whose key is a file
      const { stack, app } = declare((vh) => new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev")));

      // WHEN synthesized
      const synth = Testing.synth(stack);
      const resource = synthesized(stack).resource.p1as_certificate["wildcard-dev"];

      // THEN the resource is named after the certificate and holds the chain file's text and the leaf's fingerprint
      expect(synth).toHaveResourceWithProperties(CertificateResource, {
        name: "wildcard-dev",
        fullchain: generated.get("wildcard-dev")!.fullchain,
        private_key_wo_version: generated.get("wildcard-dev")!.fingerprint,
        adopt: false,
        provider: "p1as",
      });
      // AND the key is file() of a path relative to the stack's folder (where terraform runs) that is the key file
      const keyPath = /^\$\{file\("([^"]+)"\)\}$/.exec(resource.private_key_wo)?.[1];
      expect(keyPath).toBeDefined();
      expect(path.resolve(app.outdir, "stacks", stack.node.id, keyPath!)).toBe(
        certificateProps("wildcard-dev").privateKeyFile,
      );
      // AND no key material appears anywhere in the synthesized JSON
      expect(synth).not.toMatch(/PRIVATE KEY/);
      expect(synth).not.toContain(pemBody(generated.get("wildcard-dev")!.privkey).slice(0, 40));
    });

    test("takes a key from a sensitive variable as a reference to it", () => {
      // GIVEN a certificate whose key is an ephemeral sensitive variable
      const { stack } = declare((vh, stack) => {
        const keyVariable = new TerraformVariable(stack, "api_dev_key", { type: "string", sensitive: true });
        keyVariable.addOverride("ephemeral", true);
        new Certificate(vh, "api-dev", {
          ...certificateProps("api-dev"),
          privateKeyFile: undefined,
          privateKeyVariable: keyVariable,
        });
      });

      // WHEN synthesized THEN the write-only attribute references the variable, and the key text is nowhere
      const synth = Testing.synth(stack);
      expect(synth).toHaveResourceWithProperties(CertificateResource, {
        name: "api-dev",
        private_key_wo: "${var.api_dev_key}",
        private_key_wo_version: generated.get("api-dev")!.fingerprint,
      });
      expect(synth).not.toMatch(/PRIVATE KEY/);
    });

    test("names each resource after its certificate name, dots becoming underscores", () => {
      const { stack } = declare((vh) => {
        new Certificate(vh, "a", certificateProps("wildcard-dev"));
        new Certificate(vh, "b", { ...certificateProps("api-dev"), name: "api.dev" });
      });
      expect(Object.keys(synthesized(stack).resource.p1as_certificate).sort()).toEqual(["api_dev", "wildcard-dev"]);
      expect(synthesized(stack).resource.p1as_certificate.api_dev.name).toBe("api.dev");
    });

    test("plans the same whatever the output directory, the key path aside, which names the same file", () => {
      // GIVEN the same declaration synthesized into two output directories
      const build = (vh: VirtualHosts) => new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev"));
      const [first, second] = [declare(build), declare(build)];
      expect(first.app.outdir).not.toBe(second.app.outdir);

      // WHEN synthesized THEN everything terraform diffs is identical (the write-only key is never diffed)
      const planned = ({ stack }: { stack: TerraformStack }) => {
        const { private_key_wo: _key, ...rest } = synthesized(stack).resource.p1as_certificate["wildcard-dev"];
        return rest;
      };
      expect(planned(first)).toEqual(planned(second));
      const keyFile = ({ stack, app }: { stack: TerraformStack; app: App }) =>
        path.resolve(
          app.outdir,
          "stacks",
          stack.node.id,
          /"([^"]+)"/.exec(synthesized(stack).resource.p1as_certificate["wildcard-dev"].private_key_wo)![1],
        );
      expect(keyFile(first)).toBe(keyFile(second));
    });
  });

  describe("p1as_hostname", () => {
    test("is named after its hostname and names its certificate by reference, so terraform orders them", () => {
      // GIVEN two certificates and three hostnames
      const { stack } = declare((vh) => {
        const dev = new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev"));
        const api = new Certificate(vh, "api-dev", certificateProps("api-dev"));
        new Hostname(vh, "auth", {
          hostname: "auth.dev.acme.example",
          product: "pingfederate-engines",
          certificate: dev,
        });
        new Hostname(vh, "access", {
          hostname: "access.dev.acme.example",
          product: "pingaccess-engines",
          certificate: dev,
          adopt: true,
        });
        new Hostname(vh, "pf-admin", {
          hostname: "pf-admin.dev.acme.example",
          product: "pingfederate-admin-api",
          certificate: api,
        });
      });

      // WHEN synthesized
      const synth = Testing.synth(stack);

      // THEN each hostname references its certificate resource's name (created before it, deleted after it)
      expect(synth).toHaveResourceWithProperties(HostnameResource, {
        hostname: "access.dev.acme.example",
        product: "pingaccess-engines",
        certname: "${p1as_certificate.wildcard-dev.name}",
        adopt: true,
        provider: "p1as",
      });
      expect(synth).toHaveResourceWithProperties(HostnameResource, {
        hostname: "pf-admin.dev.acme.example",
        certname: "${p1as_certificate.api-dev.name}",
        adopt: false,
      });
      // AND the resource names come from the hostnames
      expect(Object.keys(synthesized(stack).resource.p1as_hostname).sort()).toEqual([
        "access_dev_acme_example",
        "auth_dev_acme_example",
        "pf-admin_dev_acme_example",
      ]);
    });

    test("names a certificate managed elsewhere by its plain name, without declaring it", () => {
      // GIVEN an imported certificate
      const { stack } = declare((vh) => {
        const shared = Certificate.fromCertificateName(vh, "shared", "shared-wildcard");
        new Hostname(vh, "auth", { hostname: "auth.dev.acme.example", product: "pingdirectory", certificate: shared });
      });

      // THEN the hostname names it and no certificate resource exists
      const synth = Testing.synth(stack);
      expect(synth).toHaveResourceWithProperties(HostnameResource, {
        hostname: "auth.dev.acme.example",
        certname: "shared-wildcard",
      });
      expect(synth).not.toHaveResource(CertificateResource);
    });

    test("nothing declared: the provider and the data sources only", () => {
      const { stack } = declare(() => undefined);
      const synth = Testing.synth(stack);
      expect(synth).not.toHaveResource(CertificateResource);
      expect(synth).not.toHaveResource(HostnameResource);
      expect(synth).toHaveProvider(P1AsProvider);
    });
  });

  describe("rejects bad props naming the construct, the field and the reason", () => {
    const cases: Array<[string, (vh: VirtualHosts, stack: TerraformStack) => void, string | RegExp]> = [
      // Hostname
      [
        "Hostname.hostname: an upper-case wildcard",
        (vh) =>
          new Hostname(vh, "auth", { hostname: "*.Dev.example", product: "pingdirectory", certificate: imported(vh) }),
        "stack/virtual-hosts/auth: invalid hostname \"*.Dev.example\": must be lowercase; must not be a wildcard ('*')",
      ],
      [
        "Hostname.hostname: an IP address",
        (vh) => new Hostname(vh, "ip", { hostname: "10.0.0.1", product: "pingdirectory", certificate: imported(vh) }),
        'stack/virtual-hosts/ip: invalid hostname "10.0.0.1": must be a DNS name, not an IP address',
      ],
      [
        "Hostname.hostname: declared twice",
        (vh) => {
          new Hostname(vh, "a", { hostname: "auth.dev.example", product: "pingdirectory", certificate: imported(vh) });
          new Hostname(vh, "b", {
            hostname: "auth.dev.example",
            product: "pingdirectory",
            certificate: imported(vh, "other"),
          });
        },
        'stack/virtual-hosts/b: invalid hostname "auth.dev.example": is already declared by stack/virtual-hosts/a; hostnames are unique',
      ],
      [
        "Hostname.hostname: known only at apply (a token), which cannot name a Terraform resource",
        (vh, stack) =>
          new Hostname(vh, "auth", {
            hostname: new TerraformVariable(stack, "host", { type: "string" }).stringValue,
            product: "pingdirectory",
            certificate: imported(vh),
          }),
        /^stack\/virtual-hosts\/auth: invalid hostname "\$\{TfToken\[TOKEN\.\d+\]\}": must be a literal known at synth: it keys the resource's Terraform address$/,
      ],
      [
        "Hostname.product: outside the seven",
        (vh) =>
          new Hostname(vh, "auth", {
            hostname: "auth.dev.example",
            product: "pingone" as never,
            certificate: imported(vh),
          }),
        'stack/virtual-hosts/auth: invalid product "pingone": must be one of pingaccess-engines, pingaccess-agents, pingaccess-admin-api, pingfederate-engines, pingfederate-admin-api, pingdirectory, pingdelegator',
      ],
      [
        "Hostname.adopt: not a boolean",
        (vh) =>
          new Hostname(vh, "auth", {
            hostname: "auth.dev.example",
            product: "pingdirectory",
            certificate: imported(vh),
            adopt: "yes" as never,
          }),
        'stack/virtual-hosts/auth: invalid adopt "yes": must be true or false',
      ],
      // Certificate
      [
        "Certificate.name: not a DNS-1123 name",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), name: "Wildcard_Dev" }),
        "stack/virtual-hosts/c: invalid name \"Wildcard_Dev\": must be lowercase; may contain only letters a-z, digits, '-' and '.'",
      ],
      [
        "Certificate.name: declared twice",
        (vh) => {
          new Certificate(vh, "a", certificateProps("wildcard-dev"));
          new Certificate(vh, "b", certificateProps("wildcard-dev"));
        },
        'stack/virtual-hosts/b: invalid name "wildcard-dev": is already declared by stack/virtual-hosts/a; certificate names are unique',
      ],
      [
        "Certificate.name: a token",
        (vh, stack) =>
          new Certificate(vh, "c", {
            ...certificateProps("wildcard-dev"),
            name: new TerraformVariable(stack, "n", { type: "string" }).stringValue,
          }),
        /^stack\/virtual-hosts\/c: invalid name "\$\{TfToken\[TOKEN\.\d+\]\}": must be a literal known at synth/,
      ],
      [
        "Certificate.fullchainFile: expired",
        (vh) => new Certificate(vh, "c", certificateProps("expired")),
        /^stack\/virtual-hosts\/c: invalid fullchainFile ".*expired\.pem": leaf certificate expired on/,
      ],
      [
        "Certificate.fullchainFile: an EC leaf",
        (vh) => new Certificate(vh, "c", certificateProps("ec")),
        "leaf certificate has an EC key: P1AS self-service does not support EC certificates",
      ],
      [
        "Certificate.fullchainFile: not PEM",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), fullchainFile: garbageFile() }),
        /^stack\/virtual-hosts\/c: invalid fullchainFile ".*garbage\.pem": must hold at least one PEM 'BEGIN CERTIFICATE' block/,
      ],
      [
        "Certificate.fullchainFile: missing",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), fullchainFile: "no/such.pem" }),
        'stack/virtual-hosts/c: invalid fullchainFile "no/such.pem": must be a readable regular file (paths are relative to the project root',
      ],
      [
        "Certificate.privateKeyFile: the key of another certificate",
        (vh) =>
          new Certificate(vh, "c", {
            ...certificateProps("wildcard-dev"),
            privateKeyFile: certificateProps("api-dev").privateKeyFile,
          }),
        /^stack\/virtual-hosts\/c: invalid privateKeyFile ".*api-dev\.key": .*does not match the leaf certificate/,
      ],
      [
        "Certificate.privateKeyFile: missing",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), privateKeyFile: "no/such.key" }),
        'stack/virtual-hosts/c: invalid privateKeyFile "no/such.key": must be a readable regular file',
      ],
      [
        "Certificate.privateKeyFile/privateKeyVariable: neither",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), privateKeyFile: undefined }),
        "stack/virtual-hosts/c: privateKeyFile conflicts with privateKeyVariable: neither is given. Give exactly one: a key file path, or a sensitive Terraform variable.",
      ],
      [
        "Certificate.privateKeyFile/privateKeyVariable: both",
        (vh, stack) =>
          new Certificate(vh, "c", {
            ...certificateProps("wildcard-dev"),
            privateKeyVariable: new TerraformVariable(stack, "k", { type: "string", sensitive: true }),
          }),
        "stack/virtual-hosts/c: privateKeyFile conflicts with privateKeyVariable: both are given.",
      ],
      [
        "Certificate.privateKeyVariable: not sensitive",
        (vh, stack) =>
          new Certificate(vh, "c", {
            ...certificateProps("wildcard-dev"),
            privateKeyFile: undefined,
            privateKeyVariable: new TerraformVariable(stack, "plain", { type: "string" }),
          }),
        'stack/virtual-hosts/c: invalid privateKeyVariable "stack/plain": must be declared with sensitive: true',
      ],
      [
        "Certificate.adopt: not a boolean",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), adopt: 1 as never }),
        "stack/virtual-hosts/c: invalid adopt 1: must be true or false",
      ],
      [
        "Certificate.fromCertificateName: a name with a space",
        (vh) => Certificate.fromCertificateName(vh, "imported", "wildcard dev"),
        'stack/virtual-hosts/imported: invalid name "wildcard dev": ',
      ],
      [
        "Hostname.certificate: another stack's certificate",
        (vh) => {
          const other = new TerraformStack(App.of(vh), "other");
          const foreign = new Certificate(
            new VirtualHosts(other, "virtual-hosts", { credentials: variableCredentials(other), apiUrl: API_URL }),
            "wildcard",
            certificateProps("wildcard-dev"),
          );
          new Hostname(vh, "auth", { hostname: "auth.dev.example", product: "pingdirectory", certificate: foreign });
        },
        'stack/virtual-hosts/auth: invalid certificate "other/virtual-hosts/wildcard": belongs to another VirtualHosts',
      ],
      [
        "Certificate scope: outside any VirtualHosts",
        (_vh, stack) => new Certificate(stack, "c", certificateProps("wildcard-dev")),
        'stack/c: invalid scope "stack": must be a VirtualHosts construct',
      ],
      // VirtualHosts
      [
        "VirtualHosts scope: a second one in the stack, whose resource names would collide",
        (_vh, stack) => new VirtualHosts(stack, "more", { credentials: variableCredentials(stack), apiUrl: API_URL }),
        'stack/more: invalid scope "stack": already holds stack/virtual-hosts; declare one VirtualHosts per stack',
      ],
    ];
    test.each(cases)("%s", (_name, build, message) => {
      expect(() => declare(build)).toThrow(ValidationError);
      expect(() => declare(build)).toThrow(message);
    });

    const vhCases: Array<[string, Partial<VirtualHostsProps>, string]> = [
      [
        "apiUrl: not http(s)",
        { apiUrl: "ftp://example.com/api/v1" },
        'stack/virtual-hosts: invalid apiUrl "ftp://example.com/api/v1": must use https (plain http only on loopback',
      ],
      [
        "apiUrl: with user info",
        { apiUrl: "https://u:p@api.example/api/v1" },
        'stack/virtual-hosts: invalid apiUrl "https://u:p@api.example/api/v1": must not hold user info',
      ],
      [
        "apiUrl: on a host of its own",
        { apiUrl: "https://capture.example/api/v1" },
        'stack/virtual-hosts: invalid apiUrl "https://capture.example/api/v1": must be a P1AS environment\'s self-service API',
      ],
      [
        "apiUrl: on another loopback address",
        { apiUrl: "https://127.0.0.2:4010/dev/api/v1" },
        'stack/virtual-hosts: invalid apiUrl "https://127.0.0.2:4010/dev/api/v1": must be a P1AS environment\'s self-service API',
      ],
      [
        "credentials: neither a client id nor a PingOne application",
        { credentials: { clientSecretEnv: "P1AS_X", tokenUrl: TOKEN_URL } },
        "stack/virtual-hosts: invalid credentials.clientId undefined: is required, or pingOneApplication",
      ],
      [
        "credentials: both a client id and a PingOne application",
        {
          credentials: {
            clientId: CLIENT_ID,
            pingOneApplication: { environmentId: ENV_ID_FOR_LOOKUP, name: "p1as-dev-orchestration" },
            clientSecretEnv: "P1AS_X",
            tokenUrl: TOKEN_URL,
          },
        },
        "conflicts with pingOneApplication: give the client one way",
      ],
      [
        "readCredentials: the write client's PingOne application",
        {
          credentials: {
            pingOneApplication: { environmentId: ENV_ID_FOR_LOOKUP, name: "p1as-dev-orchestration" },
            clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
            tokenUrl: TOKEN_URL,
          },
          readCredentials: {
            pingOneApplication: { environmentId: ENV_ID_FOR_LOOKUP, name: "p1as-dev-orchestration" },
            clientSecretEnv: "P1AS_DEV_AUDIT_CLIENT_SECRET",
            tokenUrl: TOKEN_URL,
          },
        },
        "readCredentials.pingOneApplication.name conflicts with credentials.pingOneApplication.name",
      ],
      [
        "pingOneApiUrl: not PingOne's",
        { pingOneApiUrl: "https://api.example.com/v1" },
        'invalid pingOneApiUrl "https://api.example.com/v1": must be PingOne\'s management API',
      ],
      [
        "credentials.clientId: not a UUID",
        { credentials: { clientId: 'x", "e" = "', clientSecretEnv: "P1AS_X", tokenUrl: TOKEN_URL } },
        "stack/virtual-hosts: invalid credentials.clientId",
      ],
      [
        "credentials.tokenUrl: not a URL",
        { credentials: { clientId: CLIENT_ID, clientSecretEnv: "P1AS_X", tokenUrl: "token" } },
        'stack/virtual-hosts: invalid credentials.tokenUrl "token": must be an absolute URL',
      ],
      [
        "credentials.tokenUrl: on a host of its own",
        {
          credentials: {
            clientId: CLIENT_ID,
            clientSecretEnv: "P1AS_X",
            tokenUrl: "https://auth.capture.example/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token",
          },
        },
        'stack/virtual-hosts: invalid credentials.tokenUrl "https://auth.capture.example/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token": must be PingOne\'s token endpoint',
      ],
      [
        "credentials.clientSecretEnv: not ours",
        { credentials: { clientId: CLIENT_ID, clientSecretEnv: "AWS_SECRET_ACCESS_KEY", tokenUrl: TOKEN_URL } },
        'stack/virtual-hosts: invalid credentials.clientSecretEnv "AWS_SECRET_ACCESS_KEY": must be an environment variable name',
      ],
      [
        "credentials.scope: with a space",
        { credentials: { clientId: CLIENT_ID, clientSecretEnv: "P1AS_X", tokenUrl: TOKEN_URL, scope: "a b" } },
        'stack/virtual-hosts: invalid credentials.scope "a b"',
      ],
      [
        "readCredentials: the write client again",
        {
          readCredentials: {
            clientId: CLIENT_ID,
            clientSecretEnv: "P1AS_DEV_AUDIT_CLIENT_SECRET",
            tokenUrl: TOKEN_URL,
          },
        },
        "stack/virtual-hosts: readCredentials.clientId conflicts with credentials.clientId: the read-only client must be another client than the write client.",
      ],
      [
        "readCredentials: another token endpoint",
        { readCredentials: readOnlyCredentials("http://127.0.0.1:4011/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token") },
        "stack/virtual-hosts: readCredentials.tokenUrl conflicts with credentials.tokenUrl: both clients get their tokens from the one token endpoint of the provider.",
      ],
      [
        "readCredentials: the write client's variable",
        {
          readCredentials: {
            clientId: AUDIT_CLIENT_ID,
            clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
            tokenUrl: TOKEN_URL,
          },
        },
        "stack/virtual-hosts: readCredentials.clientSecretEnv conflicts with credentials.clientSecretEnv: each client's secret needs its own variable.",
      ],
      [
        "pollIntervalMs: zero",
        { pollIntervalMs: 0 },
        "stack/virtual-hosts: invalid pollIntervalMs 0: must be a positive whole number of milliseconds",
      ],
      [
        "readyTimeoutMs: a fraction",
        { readyTimeoutMs: 1.5 },
        "stack/virtual-hosts: invalid readyTimeoutMs 1.5: must be a positive whole number of milliseconds",
      ],
      [
        "readyTimeoutMs: shorter than one poll",
        { pollIntervalMs: 5000, readyTimeoutMs: 1000 },
        "stack/virtual-hosts: readyTimeoutMs conflicts with pollIntervalMs: the deadline (1000 ms) is shorter than one poll (5000 ms). Raise readyTimeoutMs or lower pollIntervalMs.",
      ],
      [
        "requestTimeoutMs: zero",
        { requestTimeoutMs: 0 },
        "stack/virtual-hosts: invalid requestTimeoutMs 0: must be a positive whole number of milliseconds",
      ],
      [
        "apiContract: unknown",
        { apiContract: "guessed" as never },
        'stack/virtual-hosts: invalid apiContract "guessed": must be one of discover, confirmed, assumed',
      ],
    ];
    test.each(vhCases)("VirtualHosts.%s", (_name, props, message) => {
      const build = () => {
        const stack = new TerraformStack(Testing.app(), "stack");
        new VirtualHosts(stack, "virtual-hosts", {
          credentials: variableCredentials(stack),
          apiUrl: API_URL,
          ...props,
        });
      };
      expect(build).toThrow(ValidationError);
      expect(build).toThrow(message);
    });
  });
});

// ---- shared setup ----------------------------------------------------------------------------

const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "vh-construct-"));
const generated = new Map<string, ReturnType<typeof makeCertificate>>();

afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }));

/** Writes (once) a generated pair for `name`; "expired" and "ec" give the named defect. */
function certificateProps(name: string): CertificateProps & { privateKeyFile: string } {
  if (!generated.has(name)) {
    const certificate = makeCertificate({
      commonName: `${name}.acme.example`,
      expired: name === "expired",
      keyType: name === "ec" ? "ec" : "rsa",
    });
    generated.set(name, certificate);
    fs.writeFileSync(path.join(certDir, `${name}.pem`), certificate.fullchain);
    fs.writeFileSync(path.join(certDir, `${name}.key`), certificate.privkey);
  }
  return { name, fullchainFile: path.join(certDir, `${name}.pem`), privateKeyFile: path.join(certDir, `${name}.key`) };
}

function garbageFile(): string {
  const file = path.join(certDir, "garbage.pem");
  fs.writeFileSync(file, "not a certificate\n");
  return file;
}

function pemBody(pem: string): string {
  return pem
    .split(/\r?\n/)
    .filter((line) => line && !line.startsWith("-----"))
    .join("");
}

function imported(vh: VirtualHosts, name = "shared"): ReturnType<typeof Certificate.fromCertificateName> {
  return Certificate.fromCertificateName(vh, `imported-${name}`, name);
}

function variableCredentials(stack: TerraformStack): ISelfServiceCredentials {
  return SelfServiceCredentials.fromEnvironment(stack, {
    clientId: CLIENT_ID,
    clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
    tokenUrl: TOKEN_URL,
  });
}

function readOnlyCredentials(tokenUrl: string): ISelfServiceCredentials {
  return { clientId: AUDIT_CLIENT_ID, clientSecretEnv: "P1AS_DEV_AUDIT_CLIENT_SECRET", tokenUrl };
}

/** A stack "stack" with one VirtualHosts "virtual-hosts"; `body` declares its certificates and hostnames. */
function declare(
  body: (vh: VirtualHosts, stack: TerraformStack) => void,
  credentials: (stack: TerraformStack) => ISelfServiceCredentials = variableCredentials,
  props: Partial<VirtualHostsProps> = {},
): { app: App; stack: TerraformStack; vh: VirtualHosts } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  const vh = new VirtualHosts(stack, "virtual-hosts", { credentials: credentials(stack), apiUrl: API_URL, ...props });
  body(vh, stack);
  return { app, stack, vh };
}

describe("the provider's public face", () => {
  const ROOT = path.join(__dirname, "..");
  const importsOf = (file: string) =>
    [...fs.readFileSync(file, "utf8").matchAll(/^(import|export)\b([^;]*?)\bfrom\s+"([^"]+)"/gms)].map((match) => ({
      statement: `${match[1]}${match[2]}`,
      specifier: match[3],
    }));

  test("runs no code at import: every import and re-export in it is a type", () => {
    // GIVEN the face's source
    const imports = importsOf(path.join(ROOT, "provider", "public-face.ts"));

    // THEN each one vanishes when compiled
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(({ statement }) => !/^(import|export) type\b/.test(statement))).toEqual([]);
  });

  test("is all that constructs, stacks, config and tools import of the provider, besides its installer", () => {
    // GIVEN every source file above the provider
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) =>
          entry.isDirectory()
            ? sources(path.join(dir, entry.name))
            : entry.name.endsWith(".ts")
              ? [path.join(dir, entry.name)]
              : [],
        );
    const files = [
      ...["constructs", "stacks", "config", "tools"].flatMap((dir) => sources(path.join(ROOT, dir))),
      path.join(ROOT, "main.ts"),
    ];

    // WHEN their imports are resolved
    const intoProvider = files.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith("."))
        .map(({ specifier }) => path.relative(ROOT, path.resolve(path.dirname(file), specifier)))
        .filter((target) => target.startsWith(`provider${path.sep}`))
        .map((target) => `${path.relative(ROOT, file)} -> ${target}`),
    );

    // THEN each one into provider/ is the face or the installer
    expect(intoProvider.length).toBeGreaterThan(0);
    expect(intoProvider.filter((line) => !/-> provider[\\/](public-face|install)$/.test(line))).toEqual([]);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synthesized(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}
