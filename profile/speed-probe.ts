/**
 * The machine-speed reference: a fixed throughput-bound arithmetic kernel (eight
 * independent multiply-add chains over an L1-sized array), timed by the profiler right
 * before each child starts. It shares nothing with ONNX Runtime, so when it slows down the
 * machine itself got slower (on a shared VM: another tenant on the same core or cache).
 * `npm run bench -- variance` shows ORT's latency tracking it. Reported per run as a
 * stability figure, and compared across runs by `npm run report -- --compare`.
 */

const DATA = new Float64Array(2048).map((_, i) => i * 1e-3);
const REPEATS = 400;
let sink = 0;

/** One pass of the kernel, ms. */
function kernelMs(): number {
  const t0 = performance.now();
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0;
  for (let r = 0; r < REPEATS; r++) {
    for (let i = 0; i < DATA.length; i += 8) {
      s0 += DATA[i]! * 1.0001;
      s1 += DATA[i + 1]! * 1.0002;
      s2 += DATA[i + 2]! * 0.9999;
      s3 += DATA[i + 3]! * 1.0003;
      s4 += DATA[i + 4]! * 0.9998;
      s5 += DATA[i + 5]! * 1.0004;
      s6 += DATA[i + 6]! * 0.9997;
      s7 += DATA[i + 7]! * 1.0005;
    }
  }
  sink += s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
  return performance.now() - t0;
}

/** Median time of `passes` passes of the reference kernel after 20 passes that warm the JIT, ms; lower is faster. */
export function speedProbeMs(passes = 9): number {
  for (let i = 0; i < 20; i++) kernelMs();
  const times = Array.from({ length: passes }, kernelMs).sort((a, b) => a - b);
  if (sink === Number.NEGATIVE_INFINITY) console.log(sink); // keeps the sums observable
  return times[Math.floor(passes / 2)]!;
}
