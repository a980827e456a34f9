/**
 * A no-change plan's API requests do not grow with the number of hostnames: real terraform plans stacks of 3 and
 * of 24 hostnames (over 4 certificates) against the emulator, and each plan makes the same requests: the OpenAPI
 * document, one list per collection, one token. Before shared lists, each hostname's refresh listed all
 * hostnames (N + 1 lists). Counts only: timings are the bench's business (`npm run bench -- --only plan-scale`).
 */
import { CountedPlan, ScaleFixture, appliedHostnames, noChangePlan, startScaleFixture } from "../bench/plan-scale";

let fixture: ScaleFixture;
beforeAll(async () => {
  fixture = await startScaleFixture();
});
afterAll(() => fixture?.close());

test("a no-change plan makes one list per collection, the same at 3 and at 24 hostnames", async () => {
  const counted: Record<number, CountedPlan> = {};
  for (const hostnames of [3, 24])
    counted[hostnames] = await noChangePlan(fixture, await appliedHostnames(fixture, hostnames));
  for (const plan of Object.values(counted)) {
    expect(plan).toMatchObject({ lists: 2, writes: 0, tokenRequests: 1 });
    // The lists and the OpenAPI document read by discovery: nothing else.
    expect(plan.apiRequests).toBe(plan.lists + 1);
  }
  expect(counted[24].apiRequests).toBe(counted[3].apiRequests);
}, 600_000);
