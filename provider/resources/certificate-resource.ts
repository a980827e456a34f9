/**
 * `p1as_certificate`: a virtual-host certificate of the self-service API (`/certificates`, keyed by `name`).
 * The private key is write-only: terraform passes it at plan and apply and stores it nowhere; a change of
 * `private_key_wo_version` (or of the chain) is what sends a new one.
 */
import { sameFingerprint, parseFullchain, checkCertificatePair } from "../../p1as/pem";
import { certnameProblems } from "../../p1as/hostname";
import type { CertificateView, SelfServiceClient } from "../../client/self-service-client";
import { Diagnostics, Resource, State, types, isUnknown, unknown, valuesEqual } from "../framework";
import { CERTIFICATE_TYPE } from "../public-face";
import { alreadyExists, blockedBy, noUpdateRoute, stillInUse } from "./error-catalogue";
import { P1asProviderData, canUpdate, requireClient } from "./provider-data";
import { waitUntilComplete } from "./readiness";
import { isPending, lastStatus, needsRepair, reportUnfinishedWait, WaitContext } from "./status";

/**
 * Certificates this provider process created or took over. Certificates are create-before-destroy, so when
 * terraform replaces one under the same name (a tainted one, left by a create that did not finish), the new
 * instance adopts the API object first and the old instance's delete comes after, in the same apply and the
 * same process: that delete must leave the object alone, or it would delete what the new instance manages.
 */
const takenOverInThisRun = new Set<string>();

/** Fingerprint and expiry of the chain's leaf, as the plan shows them; undefined while the chain is unknown or invalid. */
function leafFacts(fullchain: unknown): { sha256_fingerprint: string; not_after: string } | undefined {
  if (typeof fullchain !== "string") return undefined;
  const leaf = parseFullchain(fullchain).certificates[0];
  return leaf && { sha256_fingerprint: leaf.fingerprint256, not_after: new Date(leaf.validTo).toISOString() };
}

function toState(planned: State, view: Pick<CertificateView, "status"> & Partial<CertificateView>): State {
  const facts = leafFacts(planned.fullchain);
  return {
    ...planned,
    id: String(planned.name),
    private_key_wo: null,
    sha256_fingerprint: facts?.sha256_fingerprint ?? view.sha256Fingerprint ?? null,
    not_after: facts?.not_after ?? view.notAfter ?? null,
    status: view.status,
  };
}

export const certificate: Resource<P1asProviderData> = {
  typeName: CERTIFICATE_TYPE,
  schema: {
    description: "A P1AS virtual-host certificate (`/certificates`). The API never returns the chain or the key.",
    attributes: {
      id: { type: types.string, computed: true, useStateForUnknown: true, description: "The certificate's name." },
      name: {
        type: types.string,
        required: true,
        requiresReplace: true,
        description: "The API's key; it becomes a Kubernetes Secret name, so a lowercase DNS-1123 name.",
        validate: (value) => certnameProblems(String(value)),
      },
      fullchain: {
        type: types.string,
        required: true,
        description: "PEM chain, leaf first. Only CERTIFICATE blocks.",
        validate: (value) => parseFullchain(String(value)).problems.map((problem) => problem.reason),
      },
      private_key_wo: {
        type: types.string,
        required: true,
        writeOnly: true,
        sensitive: true,
        description: "PEM RSA private key of the leaf. Write-only (terraform >= 1.11): in no plan and no state.",
      },
      private_key_wo_version: {
        type: types.string,
        optional: true,
        description:
          "Change it to send the key again; the constructs set the leaf's fingerprint, which changes with the key.",
      },
      adopt: {
        type: types.bool,
        optional: true,
        computed: true,
        default: false,
        description:
          "Overwrite a same-named certificate that exists in the API with other content, instead of failing.",
      },
      sha256_fingerprint: {
        type: types.string,
        computed: true,
        description: "SHA-256 fingerprint of the leaf (known at plan).",
      },
      not_after: { type: types.string, computed: true, description: "Expiry of the leaf, ISO-8601 (known at plan)." },
      status: {
        type: types.string,
        computed: true,
        description: "As the API reports it: creating, updating, complete, error.",
      },
    },
  },

  validate({ config, diagnostics }) {
    const { fullchain, private_key_wo: privkey } = config;
    if (typeof fullchain !== "string" || typeof privkey !== "string") return;
    const check = checkCertificatePair({ fullchain, privkey });
    if (check.ok) return;
    for (const problem of check.problems) {
      const attribute = problem.field === "fullchain" ? "fullchain" : "private_key_wo";
      diagnostics.error(`Invalid ${attribute}`, `${attribute} ${problem.reason}`, attribute);
    }
  },

  modifyPlan({ prior, config, planned, requiresReplace, setPlanned, providerData, diagnostics }) {
    const facts = leafFacts(config.fullchain);
    if (facts) {
      setPlanned("sha256_fingerprint", facts.sha256_fingerprint);
      setPlanned("not_after", facts.not_after);
    } else if (isUnknown(config.fullchain)) {
      setPlanned("sha256_fingerprint", unknown);
      setPlanned("not_after", unknown);
    }
    if (prior === null) return;
    // A certificate left in `error` by a rollout is sent again: the plan shows it, apply repairs it.
    const repair = needsRepair(prior);
    if (repair || isPending(prior)) setPlanned("status", unknown);
    const drifted =
      facts !== undefined &&
      typeof prior.sha256_fingerprint === "string" &&
      !sameFingerprint(prior.sha256_fingerprint, facts.sha256_fingerprint);
    const contentChanges =
      !valuesEqual(prior.fullchain, planned.fullchain) ||
      !valuesEqual(prior.private_key_wo_version, planned.private_key_wo_version) ||
      drifted;
    if (!contentChanges && !repair) return;
    if (canUpdate(providerData, "certificates")) return;
    // An imported certificate's content is unknown to us (the API never returns it): recording the declared
    // content is all an update can do, and no API call is needed for that.
    if (prior.fullchain === null && !repair) return;
    if (requiresReplace.includes("name")) return;
    // A replacement under the same name cannot work: the constructs create the new certificate before
    // destroying the old one (create_before_destroy), and the name is taken until then; the other order
    // fails while hostnames use it. Say so at plan, before anything is written.
    // Attached to `name`: terraform quotes the attribute's line of the configuration, and the chain's is the whole PEM.
    const fingerprints = {
      old: typeof prior.sha256_fingerprint === "string" ? prior.sha256_fingerprint : undefined,
      new: facts?.sha256_fingerprint,
    };
    diagnostics.error(
      `certificate ${String(planned.name)} cannot be ${repair ? "sent again" : "given new content"}`,
      noUpdateRoute(String(planned.name), fingerprints, repair),
      "name",
    );
  },

  async create({ planned, config, providerData, signal, diagnostics }) {
    const client = requireClient(providerData);
    const name = String(planned.name);
    const input = { name, fullchain: String(planned.fullchain), privkey: String(config.private_key_wo) };
    const existing = await client.getCertificate(name);
    if (!existing) {
      await client.createCertificate(input);
    } else {
      const same =
        existing.sha256Fingerprint !== undefined &&
        sameFingerprint(existing.sha256Fingerprint, leafFacts(planned.fullchain)!.sha256_fingerprint);
      if (!same && planned.adopt !== true) {
        const difference =
          existing.sha256Fingerprint === undefined
            ? "the API does not show its content, so it cannot be compared"
            : `leaf fingerprint ${existing.sha256Fingerprint}`;
        throw alreadyExists(CERTIFICATE_TYPE, "certificate", name, difference);
      }
      // A differing one (adopt) is overwritten; an identical one whose rollout failed (typically the one this
      // certificate's earlier create left, now being replaced) is sent again, as an update does for a managed one.
      if (same && existing.status !== "error") {
        providerData.log(`certificate ${name}: an identical certificate exists; adopted`);
      } else {
        if (same)
          providerData.log(`certificate ${name}: an identical certificate exists in status error; sending it again`);
        if (canUpdate(providerData, "certificates")) await client.updateCertificate(input);
        else await overwriteWithoutUpdateRoute(client, existing, input, providerData, diagnostics);
      }
    }
    takenOverInThisRun.add(name);
    return finish(planned, name, providerData, { signal, diagnostics });
  },

  async read({ state, providerData }) {
    const client = requireClient(providerData);
    // Shared: a refresh of N certificates makes one list (see SharedLists).
    const view = await client.getCertificate(String(state.name ?? state.id), { shared: true });
    if (!view) return null;
    // The API never returns the chain; a fingerprint or expiry it does not return (or writes differently but
    // equal) keeps its prior value.
    const unchanged =
      view.sha256Fingerprint === undefined ||
      (typeof state.sha256_fingerprint === "string" &&
        sameFingerprint(state.sha256_fingerprint, view.sha256Fingerprint));
    const fingerprint = unchanged ? state.sha256_fingerprint : view.sha256Fingerprint;
    return {
      ...state,
      id: view.name,
      name: view.name,
      sha256_fingerprint: fingerprint ?? null,
      not_after: view.notAfter ?? state.not_after ?? null,
      status: view.status,
    };
  },

  async update({ planned, config, prior, providerData, signal, diagnostics }) {
    const name = String(planned.name);
    // A change of adopt alone (or of a recorded chain the API already holds) is terraform's record only.
    const sameContent = (["fullchain", "private_key_wo_version", "sha256_fingerprint"] as const).every((field) =>
      valuesEqual(prior[field], planned[field]),
    );
    const recorded = () =>
      toState(planned, { status: String(prior.status ?? "complete") as CertificateView["status"] });
    if (sameContent && isPending(prior)) return finish(planned, name, providerData, { signal, diagnostics });
    if (sameContent && !needsRepair(prior)) return recorded();
    if (!canUpdate(providerData, "certificates")) {
      providerData.log(
        `certificate ${name}: content recorded as declared; the API has no update route and never returns content`,
      );
      return recorded();
    }
    const client = requireClient(providerData);
    await client.updateCertificate({
      name,
      fullchain: String(planned.fullchain),
      privkey: String(config.private_key_wo),
    });
    return finish(planned, name, providerData, { signal, diagnostics });
  },

  async delete({ state, providerData, signal }) {
    const client = requireClient(providerData);
    const name = String(state.name ?? state.id);
    if (takenOverInThisRun.has(name)) {
      providerData.log(`certificate ${name}: kept; its replacement in this apply manages it now`);
      return;
    }
    const started = Date.now();
    // A certificate in use waits only while its hostnames are still moving (a rollout under way): terraform updates
    // or deletes the hostnames of this configuration before this delete. A user that stays settled on two looks is
    // one this apply does not move (made by hand, or managed elsewhere): waiting would only print "Still destroying"
    // until the deadline, so the delete fails at once and names it.
    let settledLooks = 0;
    for (;;) {
      try {
        await client.deleteCertificate(name);
        return;
      } catch (error) {
        if ((error as { reason?: string }).reason !== "certificate-in-use") throw error;
        const waited = Date.now() - started;
        const users = (await client.listHostnames()).filter((hostname) => hostname.certname === name);
        settledLooks = users.length > 0 && users.every((user) => SETTLED.includes(user.status)) ? settledLooks + 1 : 0;
        if (settledLooks >= 2)
          throw blockedBy(
            name,
            users.map((user) => user.hostname),
          );
        if (waited + providerData.timings.pollIntervalMs > providerData.timings.readyTimeoutMs || signal.aborted) {
          throw stillInUse(
            name,
            users.map((user) => user.hostname),
            waited,
          );
        }
        providerData.log(`certificate ${name}: still in use, waiting for its hostnames to move`);
        await new Promise((resolve) => setTimeout(resolve, providerData.timings.pollIntervalMs));
      }
    }
  },

  async importState({ id }) {
    const problems = certnameProblems(id);
    if (problems.length > 0)
      throw new Error(
        `cannot import certificate ${JSON.stringify(id)}: the id is the certificate's name, which ${problems.join("; ")}`,
      );
    return { id, name: id };
  },
};

/**
 * `adopt` without an update route: overwriting is deleting and creating again, as for hostnames. A certificate
 * that hostnames use cannot be deleted; if the API does not show its content either, the takeover keeps it as
 * it is (it may well be the declared one, which is the usual takeover) and says so. One whose content is known
 * to differ cannot be taken over by name: the API's in-use refusal is the error.
 */
async function overwriteWithoutUpdateRoute(
  client: SelfServiceClient,
  existing: CertificateView,
  input: { name: string; fullchain: string; privkey: string },
  providerData: P1asProviderData,
  diagnostics: Diagnostics,
): Promise<void> {
  const users = (await client.listHostnames()).filter((hostname) => hostname.certname === input.name);
  if (users.length > 0 && existing.sha256Fingerprint === undefined) {
    providerData.log(`certificate ${input.name}: in use and its content not shown by the API; adopted as it is`);
    diagnostics.warning(
      `certificate ${input.name} adopted without comparing its content`,
      "The API does not return certificate content and has no update route, and hostnames use this certificate, so it cannot be replaced. " +
        "It was taken over as it is and recorded with the declared content. To be sure the API serves the declared content, rotate by name: declare it under a new name, point the hostnames at it, remove this one.",
      "adopt",
    );
    return;
  }
  // Unused, or known to differ: delete (the API refuses while hostnames use it, which is then the error) and create.
  await client.deleteCertificate(input.name);
  providerData.log(`certificate ${input.name}: adopted by deleting it and creating it with the declared content`);
  await client.createCertificate(input);
}

/**
 * Waits until the API reports the certificate complete. When the write went through but the wait did not,
 * the state is returned with the error: terraform then keeps the object (tainted) and can delete it later. A
 * wait that terraform stopped (Ctrl-C) returns it with a warning only (see reportUnfinishedWait).
 */
async function finish(
  planned: State,
  name: string,
  providerData: P1asProviderData,
  context: WaitContext,
): Promise<State> {
  const client = requireClient(providerData);
  try {
    const view = await waitUntilComplete<CertificateView>(client, "certificate", name, {
      timings: providerData.timings,
      log: providerData.log,
      signal: context.signal,
    });
    return toState(planned, view);
  } catch (error) {
    const status = await lastStatus(() => client.getCertificate(name));
    reportUnfinishedWait("certificate", name, error, status, context);
    return toState(planned, { status });
  }
}

/** Statuses no rollout will leave by itself. */
const SETTLED: readonly string[] = ["complete", "error"];
