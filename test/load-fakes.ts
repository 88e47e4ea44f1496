/** Test-only load targets on a virtual clock, and the M/D/1 queue's theory to check them against. */
import type { LoadClock, LoadTarget } from "../measure/index.ts";

/** A target served by `servers` identical servers (FIFO queue) that each take `serviceMs` per request. */
export function fakeServers(clock: LoadClock, servers: number, serviceMs: number): LoadTarget & { maxQueued: () => number } {
  let busy = 0;
  let maxQueued = 0;
  const queue: (() => void)[] = [];
  return {
    maxQueued: () => maxQueued,
    async run() {
      if (busy >= servers) {
        await new Promise<void>((resolve) => queue.push(resolve));
        maxQueued = Math.max(maxQueued, queue.length + 1);
      } else busy++;
      await clock.sleep(serviceMs);
      const next = queue.shift();
      if (next) next();
      else busy--;
    },
  };
}

/**
 * P(W ≤ t) of an M/D/1 queue's waiting time (arrival rate λ per ms, service D ms), Erlang's
 * formula: (1 − ρ) Σ_{k=0}^{⌊t/D⌋} [λ(kD − t)]^k / k! · e^{−λ(kD − t)}, ρ = λD.
 */
export function md1WaitCdf(t: number, lambdaPerMs: number, serviceMs: number): number {
  const rho = lambdaPerMs * serviceMs;
  let sum = 0;
  let factorial = 1;
  for (let k = 0; k <= Math.floor(t / serviceMs); k++) {
    if (k > 0) factorial *= k;
    const x = lambdaPerMs * (k * serviceMs - t);
    sum += (x ** k / factorial) * Math.exp(-x);
  }
  return (1 - rho) * sum;
}

/** The p-quantile (0..1) of an M/D/1 sojourn time (wait + service), ms, by bisection on {@link md1WaitCdf}. */
export function md1SojournQuantile(p: number, lambdaPerMs: number, serviceMs: number): number {
  if (md1WaitCdf(0, lambdaPerMs, serviceMs) >= p) return serviceMs;
  let lo = 0;
  let hi = serviceMs;
  while (md1WaitCdf(hi, lambdaPerMs, serviceMs) < p) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (md1WaitCdf(mid, lambdaPerMs, serviceMs) < p) lo = mid;
    else hi = mid;
  }
  return hi + serviceMs;
}
