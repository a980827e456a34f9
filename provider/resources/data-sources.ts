/**
 * `p1as_certificates` and `p1as_hostnames`: what an environment's API holds, for reports and for
 * configurations that refer to objects managed elsewhere.
 */
import { DataSource, types } from "../framework";
import { P1asProviderData, requireClient } from "./provider-data";

const CERTIFICATE_ITEM = types.object({ name: types.string, status: types.string, sha256_fingerprint: types.string, not_after: types.string });
const HOSTNAME_ITEM = types.object({ hostname: types.string, product: types.string, certname: types.string, status: types.string });

export const certificates: DataSource<P1asProviderData> = {
  typeName: "p1as_certificates",
  schema: {
    description: "Every certificate of the environment, as the API lists it (fingerprint and expiry only where the API returns them).",
    attributes: { certificates: { type: types.list(CERTIFICATE_ITEM), computed: true } },
  },
  async read({ providerData }) {
    const items = await requireClient(providerData).listCertificates({ shared: true });
    return {
      certificates: items.map((item) => ({ name: item.name, status: item.status, sha256_fingerprint: item.sha256Fingerprint ?? null, not_after: item.notAfter ?? null })),
    };
  },
};

export const hostnames: DataSource<P1asProviderData> = {
  typeName: "p1as_hostnames",
  schema: {
    description: "Every hostname of the environment, as the API lists it.",
    attributes: { hostnames: { type: types.list(HOSTNAME_ITEM), computed: true } },
  },
  async read({ providerData }) {
    const items = await requireClient(providerData).listHostnames({ shared: true });
    return { hostnames: items.map((item) => ({ hostname: item.hostname, product: item.product, certname: item.certname, status: item.status })) };
  },
};
