/**
 * The load scenarios on fake targets with known service times on a virtual clock: Offline
 * throughput and the in-flight sweep's saturation point, Server latency against an M/D/1
 * queue's theory, and the max-rate search under a p99 bound.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  earlyStoppingVerdict,
  percentile,
  poissonArrivals,
  runOffline,
  runServer,
  searchMaxRate,
  seededRandom,
  sweepInFlight,
  sweepInFlightMany,
  VirtualClock,
} from "../measure/index.ts";
import { fakeServers, md1SojournQuantile } from "./load-fakes.ts";

const p99 = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    99,
  );

describe("poissonArrivals", () => {
  it("has mean gap 1000 / rate ms (within 1% over 100,000 arrivals) and repeats with its seed", () => {
    const a = poissonArrivals(250, 100_000, seededRandom(4));
    assert.ok(Math.abs(a.at(-1)! / a.length / 4 - 1) < 0.01, String(a.at(-1)! / a.length));
    assert.deepEqual(poissonArrivals(250, 5, seededRandom(4)), a.slice(0, 5));
  });

  it("refuses a rate that is not positive, naming it", () => {
    assert.throws(() => poissonArrivals(0, 3, seededRandom(1)), { message: "arrival rate must be a positive number of requests per second; got 0" });
  });
});

describe("runOffline on 3 servers of 2 ms", () => {
  it("1 in flight: 500 requests/s; 3 in flight: 1500/s; 8 in flight: still 1500/s (the servers are the limit)", async () => {
    for (const [inFlight, rate] of [
      [1, 500],
      [3, 1500],
      [8, 1500],
    ] as const) {
      const clock = new VirtualClock();
      const r = await clock.drive(runOffline(fakeServers(clock, 3, 2), { inFlight, durationMs: 1000 }, clock));
      assert.ok(Math.abs(r.requestsPerS - rate) / rate < 0.005, `${inFlight}: ${r.requestsPerS}`);
    }
  });
});

describe("sweepInFlight", () => {
  it("on 3 servers of 2 ms: 1, 2, 4, 8 in flight (500, 1000, 1500, 1500 /s), stops at 8 and calls 4 the saturation point (to 10/s: the last requests drain with servers idle)", async () => {
    const sweep = await sweepInFlight(async (inFlight) => {
      const clock = new VirtualClock();
      return (await clock.drive(runOffline(fakeServers(clock, 3, 2), { inFlight, durationMs: 400 }, clock))).requestsPerS;
    });
    assert.deepEqual(
      sweep.points.map((p) => [p.inFlight, Math.round(p.requestsPerS / 10) * 10]),
      [
        [1, 500],
        [2, 1000],
        [4, 1500],
        [8, 1500],
      ],
    );
    assert.equal(sweep.best.inFlight, 4);
  });

  it("on 1 server: 2 in flight gain nothing, so it stops at 2 and the saturation point is 1", async () => {
    const sweep = await sweepInFlight(async (inFlight) => {
      const clock = new VirtualClock();
      return (await clock.drive(runOffline(fakeServers(clock, 1, 2), { inFlight, durationMs: 400 }, clock))).requestsPerS;
    });
    assert.deepEqual(
      sweep.points.map((p) => p.inFlight),
      [1, 2],
    );
    assert.equal(sweep.best.inFlight, 1);
  });
});

describe("sweepInFlightMany", () => {
  it("goes on while any series rises: 2 servers and 4 servers of 2 ms sweep to 8, saturating at 2 and 4", async () => {
    const sweeps = await sweepInFlightMany(async (inFlight) =>
      Promise.all(
        [2, 4].map(async (servers) => {
          const clock = new VirtualClock();
          return (await clock.drive(runOffline(fakeServers(clock, servers, 2), { inFlight, durationMs: 400 }, clock))).requestsPerS;
        }),
      ),
    );
    assert.deepEqual(
      sweeps.map((s) => s.points.map((p) => Math.round(p.requestsPerS / 10) * 10)),
      [
        [500, 1000, 1000, 1000],
        [500, 1000, 2000, 2000],
      ],
    );
    assert.deepEqual(
      sweeps.map((s) => s.best.inFlight),
      [2, 4],
    );
  });
});

describe("runServer on one server of 1 ms (an M/D/1 queue)", () => {
  // Theory: Erlang's M/D/1 waiting-time CDF + the 1 ms service. A finite run's p99 scatters around it
  // (waits are correlated, more so at higher load), hence a tolerance of 5% at ρ = 0.5 and 7.5% at ρ = 0.7.
  for (const [rho, tolerance, expected] of [
    [0.5, 0.05, "4.336"],
    [0.7, 0.075, "7.485"],
  ] as const) {
    it(`at ρ = ${rho} (${rho * 1000}/s) the p99 of 30,000 requests is within ${tolerance * 100}% of theory (${expected} ms), for 3 seeds`, async () => {
      const theory = md1SojournQuantile(0.99, rho, 1);
      assert.equal(theory.toFixed(3), expected);
      for (const seed of [1, 2, 3]) {
        const clock = new VirtualClock();
        const r = await clock.drive(runServer(fakeServers(clock, 1, 1), { ratePerS: rho * 1000, queries: 30_000, seed }, clock));
        assert.ok(Math.abs(p99(r.latenciesMs) / theory - 1) < tolerance, `seed ${seed}: ${p99(r.latenciesMs)} vs ${theory}`);
      }
    });
  }
});

describe("searchMaxRate", () => {
  it("on the M/D/1 theory with a 4.336 ms p99 bound, converges to 500/s within 2% from either side", async () => {
    const bound = md1SojournQuantile(0.99, 0.5, 1);
    for (const startRatePerS of [50, 5000]) {
      const r = await searchMaxRate(async (rate) => md1SojournQuantile(0.99, rate / 1000, 1) <= bound + 1e-9, {
        startRatePerS,
        relTolerance: 0.02,
        maxTrials: 30,
      });
      assert.equal(r.converged, true);
      assert.ok(r.maxRatePerS <= 500 + 1e-6 && r.maxRatePerS >= 490, String(r.maxRatePerS));
      assert.ok(r.failedRatePerS > 500 && (r.failedRatePerS - r.maxRatePerS) / r.maxRatePerS <= 0.02);
    }
  });

  it("on simulated M/D/1 runs of 5,000 requests judged by loadgen's early-stopping rule (p99 under 4.336 ms), converges within 10% of 500/s", async () => {
    const bound = md1SojournQuantile(0.99, 0.5, 1);
    const r = await searchMaxRate(
      async (rate) => {
        const clock = new VirtualClock();
        const run = await clock.drive(runServer(fakeServers(clock, 1, 1), { ratePerS: rate, queries: 5_000, seed: 9 }, clock));
        return earlyStoppingVerdict(run.latenciesMs, bound, 0.99).passes;
      },
      { startRatePerS: 100, relTolerance: 0.02 },
    );
    assert.equal(r.converged, true);
    assert.ok(Math.abs(r.maxRatePerS / 500 - 1) < 0.1, String(r.maxRatePerS));
    assert.ok((r.failedRatePerS - r.maxRatePerS) / r.maxRatePerS <= 0.02);
  });

  it("reports no passing rate as 0 and not converged when even the lowest rate tried fails", async () => {
    const r = await searchMaxRate(async () => false, { startRatePerS: 100, maxTrials: 4 });
    assert.deepEqual(r, {
      maxRatePerS: 0,
      failedRatePerS: 12.5,
      converged: false,
      trials: [
        { ratePerS: 100, passes: false },
        { ratePerS: 50, passes: false },
        { ratePerS: 25, passes: false },
        { ratePerS: 12.5, passes: false },
      ],
    });
  });
});
