/**
 * The clock a load scenario runs on: the real one (`performance.now`, timers) when it drives
 * onnxruntime sessions, or a virtual one whose time jumps from event to event, so tests can
 * run a queue of known service times and check the scenario's figures against theory.
 */

/** A clock, ms. */
export interface LoadClock {
  /** Time now, ms. */
  now(): number;
  /** Resolves once `ms` have passed (at once for ms ≤ 0). */
  sleep(ms: number): Promise<void>;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The real clock: `performance.now`; `sleep` hands the wait to `setTimeout` but for its last
 * 2 ms, which it spends yielding to the event loop (`setImmediate`) until the time is up,
 * since a timer wakes up to about 1 ms late and Poisson gaps at µs-scale requests are shorter.
 */
export const realClock: LoadClock = {
  now: () => performance.now(),
  async sleep(ms) {
    const until = performance.now() + ms;
    if (ms > 2) await new Promise((resolve) => setTimeout(resolve, ms - 2));
    while (performance.now() < until) await tick();
  },
};

/**
 * A discrete-event clock: `sleep` registers a wake-up; {@link VirtualClock.drive} lets every
 * pending promise settle, then jumps to the earliest wake-up (ties in the order slept), until
 * the driven promise settles. Only code that waits on this clock (no real I/O) may run on it.
 */
export class VirtualClock implements LoadClock {
  private time = 0;
  private seq = 0;
  private readonly timers: { at: number; seq: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, wake }));
  }

  /** Runs `work` to completion in virtual time; rejects when it waits on nothing this clock can wake. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve)); // every microtask chain runs first
      if (settled) return done;
      if (this.timers.length === 0) throw new Error("VirtualClock: the driven work waits on something other than this clock");
      let first = 0;
      for (let i = 1; i < this.timers.length; i++) {
        const a = this.timers[i]!;
        const b = this.timers[first]!;
        if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) first = i;
      }
      const [timer] = this.timers.splice(first, 1);
      this.time = timer!.at;
      timer!.wake();
    }
  }
}
