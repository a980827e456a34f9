/**
 * The emulated PingOne as one object: its store and its worker applications. `createPingOne()` is
 * what `startEmulator({pingone})` calls; tests may call it too.
 */
import { PingOneStore, PingOneStoreOptions } from "./store";
import { Worker, WorkerSeed, WorkerSeedSchema } from "./workers";

export interface PingOneOptions extends PingOneStoreOptions {
  /** Worker applications for the management API (each also creates its environment). @default - none */
  readonly workers?: readonly WorkerSeed[];
  /** PingOne environments to create without a worker. @default - none */
  readonly environmentIds?: readonly string[];
}

export class EmulatedPingOne {
  readonly store: PingOneStore;
  /** By client id. Seeds, not state: the state file never holds them. */
  readonly workers = new Map<string, Worker>();

  constructor(options: PingOneOptions = {}) {
    this.store = new PingOneStore(options);
    for (const environmentId of options.environmentIds ?? []) this.store.ensureEnvironment(environmentId);
    for (const seed of options.workers ?? []) this.addWorker(seed);
  }

  addWorker(seed: WorkerSeed): Worker {
    const worker = WorkerSeedSchema.parse(seed);
    this.store.ensureEnvironment(worker.environmentId);
    this.workers.set(worker.clientId, worker);
    return worker;
  }
}

export function createPingOne(options: PingOneOptions = {}): EmulatedPingOne {
  return new EmulatedPingOne(options);
}
