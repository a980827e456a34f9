/**
 * `p1as_certificates` and `p1as_hostnames`: what an environment's API holds, for reports and for
 * configurations that refer to objects managed elsewhere.
 */
import { DataSource, Diagnostics, types } from "../framework";
import { CERTIFICATES_DATA_SOURCE, HOSTNAMES_DATA_SOURCE } from "../public-face";
import { P1asProviderData, requireClient } from "./provider-data";

/**
 * A plan from zero: the PingOne application the provider reads with does not exist yet (the same apply creates it,
 * before any p1as resource). There is nothing to list yet either, so the list is empty and the plan says why,
 * instead of failing or showing a list it could not read. A resource with state never gets here: its read fails.
 */
async function listedOrNothingYet<T>(list: () => Promise<T[]>, diagnostics: Diagnostics, what: string): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    // Loaded here, not with the provider (see configure): a read comes after configure has loaded the clients.
    const { PingOneLookupError } = await import("../../client/pingone-applications");
    if (!(error instanceof PingOneLookupError) || error.problem !== "application-missing") throw error;
    diagnostics.warning(
      `p1as: no ${what} read: the PingOne application does not exist yet`,
      `PingOne application ${JSON.stringify(error.target?.application)} does not exist in PingOne environment ${error.target?.environmentId} yet: ` +
        `this plan could not read the self-service API, so it lists no ${what} there and shows what will be created. ` +
        "The apply creates the application and its grant before any p1as resource.",
    );
    return [];
  }
}

const CERTIFICATE_ITEM = types.object({
  name: types.string,
  status: types.string,
  sha256_fingerprint: types.string,
  not_after: types.string,
});
const HOSTNAME_ITEM = types.object({
  hostname: types.string,
  product: types.string,
  certname: types.string,
  status: types.string,
});

export const certificates: DataSource<P1asProviderData> = {
  typeName: CERTIFICATES_DATA_SOURCE,
  schema: {
    description:
      "Every certificate of the environment, as the API lists it (fingerprint and expiry only where the API returns them).",
    attributes: { certificates: { type: types.list(CERTIFICATE_ITEM), computed: true } },
  },
  async read({ providerData, diagnostics }) {
    const items = await listedOrNothingYet(
      () => requireClient(providerData).listCertificates({ shared: true }),
      diagnostics,
      "certificates",
    );
    return {
      certificates: items.map((item) => ({
        name: item.name,
        status: item.status,
        sha256_fingerprint: item.sha256Fingerprint ?? null,
        not_after: item.notAfter ?? null,
      })),
    };
  },
};

export const hostnames: DataSource<P1asProviderData> = {
  typeName: HOSTNAMES_DATA_SOURCE,
  schema: {
    description: "Every hostname of the environment, as the API lists it.",
    attributes: { hostnames: { type: types.list(HOSTNAME_ITEM), computed: true } },
  },
  async read({ providerData, diagnostics }) {
    const items = await listedOrNothingYet(
      () => requireClient(providerData).listHostnames({ shared: true }),
      diagnostics,
      "hostnames",
    );
    return {
      hostnames: items.map((item) => ({
        hostname: item.hostname,
        product: item.product,
        certname: item.certname,
        status: item.status,
      })),
    };
  },
};
