/**
 * The scenario child's offline sweep on fake precisions with known service times on a
 * virtual clock: FP32 at 2 ms and INT8 at 1 ms per request, each on 2 servers (2 cores):
 * both saturate at 2 in flight, each doubling's paired gain is exactly 2 then 1, and INT8's
 * paired throughput over FP32 is exactly 2.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runOffline, VirtualClock } from "../measure/index.ts";
import { offlineSweep, type BlockFn } from "../profile/scenario-child.ts";
import { scenarioSettings } from "../profile/scenario-settings.ts";
import { DEFAULT_MEASURE } from "../formats/options/profile-options.ts";
import { fakeServers } from "./load-fakes.ts";

const SERVICE_MS: Record<string, number> = { fp32: 2, int8: 1 };

/** Each block on a fresh virtual clock: `inFlight` requests on 2 servers of the precision's service time. */
const block: BlockFn = async (name, inFlight, durationMs) => {
  const clock = new VirtualClock();
  return clock.drive(runOffline(fakeServers(clock, 2, SERVICE_MS[name]!), { inFlight, durationMs }, clock));
};

describe("offlineSweep", () => {
  it("sweeps 1, 2, 4 in flight, finds 2 the saturation point of both, and pairs INT8 over FP32 at 2.00x", async () => {
    const settings = scenarioSettings(DEFAULT_MEASURE, "cpu", undefined); // 1000 ms per point in 100 ms blocks: 5 cycles
    const live = [
      { name: "fp32", intraOpThreads: 0 },
      { name: "int8", intraOpThreads: 0 },
    ];
    const [fp32, int8] = await offlineSweep("sessions", live, 32, block, settings, 1);
    assert.deepEqual(
      [fp32, int8].map((v) => v!.points.map((p) => [p.inFlight, Math.round(p.imagesPerS)])),
      [
        [
          [1, 16000],
          [2, 32000],
          [4, 32000],
        ],
        [
          [1, 32000],
          [2, 64000],
          [4, 64000],
        ],
      ],
    );
    assert.deepEqual([fp32!.bestInFlight, int8!.bestInFlight, fp32!.vsFp32], [2, 2, undefined]);
    assert.deepEqual(int8!.vsFp32, { speedup: 2, ci95: [2, 2], pairs: 5, verdict: "faster", inFlight: 2 });
    assert.deepEqual(
      fp32!.points.map((p) => p.gainOverHalf),
      [undefined, { speedup: 2, ci95: [2, 2], pairs: 5, verdict: "faster" }, { speedup: 1, ci95: [1, 1], pairs: 5, verdict: "no clear difference" }],
    );
    assert.equal(int8!.points[0]!.p50Ms, 1);
    assert.equal(int8!.points[2]!.earlyStoppingP99Ms, 2); // 4 in flight on 2 servers: every request waits one service, so 2 ms
  });
});
