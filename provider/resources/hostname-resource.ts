/**
 * `p1as_hostname`: a virtual host of the self-service API (`/hostnames`, keyed by `hostname`): which P1AS
 * product the name routes to, and which certificate it serves.
 */
import { PRODUCTS } from "../../p1as/facts";
import { certnameProblems, hostnameProblems } from "../../p1as/hostname";
import { Resource, State, types, unknown, valuesEqual } from "../framework";
import { HOSTNAME_TYPE } from "../public-face";
import { alreadyExists, offlineWarning, recreateFailed, replacedWarning } from "./error-catalogue";
import type { HostnameView, SelfServiceClient } from "../../client/self-service-client";
import { P1asProviderData, canUpdate, requireClient } from "./provider-data";
import { waitUntilComplete } from "./readiness";
import { isPending, lastStatus, needsRepair, reportUnfinishedWait, WaitContext } from "./status";

const ROUTING = ["product", "certname"] as const;

function toState(planned: State, view: Pick<HostnameView, "status">): State {
  return { ...planned, id: String(planned.hostname), status: view.status };
}

export const hostname: Resource<P1asProviderData> = {
  typeName: HOSTNAME_TYPE,
  schema: {
    description: "A P1AS virtual host (`/hostnames`): a hostname routed to a product, served with a certificate.",
    attributes: {
      id: { type: types.string, computed: true, useStateForUnknown: true, description: "The hostname." },
      hostname: {
        type: types.string,
        required: true,
        requiresReplace: true,
        description: "The API's key: a lowercase fully qualified DNS name, no wildcard, no IP address.",
        validate: (value) => hostnameProblems(String(value)),
      },
      product: {
        type: types.string,
        required: true,
        description: `The P1AS product it routes to: ${PRODUCTS.join(", ")}.`,
        validate: (value) =>
          (PRODUCTS as readonly string[]).includes(String(value)) ? [] : [`must be one of ${PRODUCTS.join(", ")}`],
      },
      certname: {
        type: types.string,
        required: true,
        description: "Name of the certificate served for it.",
        validate: (value) => certnameProblems(String(value)),
      },
      adopt: {
        type: types.bool,
        optional: true,
        computed: true,
        default: false,
        description:
          "Overwrite a hostname that exists in the API with another product or certname, instead of failing.",
      },
      status: {
        type: types.string,
        computed: true,
        description: "As the API reports it: creating, updating, complete, error.",
      },
    },
  },

  modifyPlan({ prior, planned, setPlanned, providerData, diagnostics }) {
    if (prior === null) return;
    const repair = needsRepair(prior);
    if (repair || isPending(prior)) setPlanned("status", unknown);
    const changed = ROUTING.filter((field) => !valuesEqual(prior[field], planned[field]));
    // Without an update route the change is still planned as an update, not a replacement: terraform orders an
    // update after the create of the certificate it moves to (complete by then), and the update deletes and
    // creates at once. A replacement's delete would not wait for that certificate (docs/tasks/rotate-a-certificate.md).
    if (changed.length > 0 && !canUpdate(providerData, "hostnames")) {
      const warning = offlineWarning(String(planned.hostname), changed);
      diagnostics.warning(warning.summary, warning.detail, changed[0]);
    }
  },

  async create({ planned, providerData, signal, diagnostics }) {
    const client = requireClient(providerData);
    const input = inputOf(planned);
    const existing = await client.getHostname(input.hostname);
    if (existing) {
      const differences = ROUTING.filter((field) => existing[field] !== input[field]).map(
        (field) => `${field} ${existing[field]}`,
      );
      if (differences.length > 0 && planned.adopt !== true)
        throw alreadyExists(HOSTNAME_TYPE, "hostname", input.hostname, `it routes to ${differences.join(" and ")}`);
      if (differences.length > 0 && canUpdate(providerData, "hostnames")) await client.updateHostname(input);
      else if (differences.length > 0) await recreate(client, input);
      else providerData.log(`hostname ${input.hostname}: an identical hostname exists; adopted`);
    } else {
      await client.createHostname(input);
    }
    return finish(planned, providerData, { signal, diagnostics });
  },

  async read({ state, providerData }) {
    const client = requireClient(providerData);
    // Shared: a refresh of N hostnames makes one list (see SharedLists).
    const view = await client.getHostname(String(state.hostname ?? state.id), { shared: true });
    if (!view) return null;
    // adopt only steers a create: an imported hostname gets its default, so the import plans no change.
    return {
      ...state,
      id: view.hostname,
      hostname: view.hostname,
      product: view.product,
      certname: view.certname,
      status: view.status,
      adopt: state.adopt ?? false,
    };
  },

  async update({ planned, prior, providerData, signal, diagnostics }) {
    // A change of adopt alone is the provider's own business: nothing to send (and no update route may exist).
    if (!needsRepair(prior) && ROUTING.every((field) => valuesEqual(prior[field], planned[field]))) {
      return isPending(prior)
        ? finish(planned, providerData, { signal, diagnostics })
        : toState(planned, { status: prior.status as HostnameView["status"] });
    }
    const client = requireClient(providerData);
    const input = inputOf(planned);
    if (canUpdate(providerData, "hostnames")) {
      await client.updateHostname(input);
      return finish(planned, providerData, { signal, diagnostics });
    }
    const started = Date.now();
    const absentMs = await recreate(client, input);
    const state = await finish(planned, providerData, { signal, diagnostics });
    if (!diagnostics.hasErrors) {
      const warning = replacedWarning(input.hostname, absentMs, Date.now() - started);
      diagnostics.warning(warning.summary, warning.detail);
    }
    return state;
  },

  async delete({ state, providerData }) {
    await requireClient(providerData).deleteHostname(String(state.hostname ?? state.id));
  },

  async importState({ id }) {
    const problems = hostnameProblems(id);
    if (problems.length > 0)
      throw new Error(
        `cannot import hostname ${JSON.stringify(id)}: the id is the hostname, which ${problems.join("; ")}`,
      );
    return { id, hostname: id };
  },
};

function inputOf(planned: State): { hostname: string; product: string; certname: string } {
  return { hostname: String(planned.hostname), product: String(planned.product), certname: String(planned.certname) };
}

/**
 * Without an update route the only way to new routing: delete, then create straight away. Returns how long the
 * hostname was absent, as far as this side can tell (from the DELETE's start to the POST's answer).
 */
async function recreate(client: SelfServiceClient, input: ReturnType<typeof inputOf>): Promise<number> {
  const started = Date.now();
  await client.deleteHostname(input.hostname);
  try {
    await client.createHostname(input);
  } catch (error) {
    throw recreateFailed(input.hostname, error);
  }
  return Date.now() - started;
}

/** As for certificates: a write that went through but did not become ready returns its state with the error. */
async function finish(planned: State, providerData: P1asProviderData, context: WaitContext): Promise<State> {
  const client = requireClient(providerData);
  const key = String(planned.hostname);
  try {
    return toState(
      planned,
      await waitUntilComplete<HostnameView>(client, "hostname", key, {
        timings: providerData.timings,
        log: providerData.log,
        signal: context.signal,
      }),
    );
  } catch (error) {
    const status = await lastStatus(() => client.getHostname(key));
    reportUnfinishedWait("hostname", key, error, status, context);
    return toState(planned, { status });
  }
}
