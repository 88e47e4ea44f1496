// The facts and paired passes over a fake EpSessionHost: what they send, in order, without a child process.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildMessage, FactsJob, PairedJob } from "../profile/child-protocol.ts";
import { EpCannotStart, type EpSession, type EpSessionHost, type SessionSettings } from "../profile/ep-session.ts";
import { runFactsPass } from "../profile/facts-pass.ts";
import { runPairedPass } from "../profile/paired-pass.ts";
import { rssRuns } from "../profile/measure-latency.ts";
import { openEnergyMeter } from "../profile/energy/energy-meter.ts";
import { DEFAULT_MEASURE, type MeasureSettings } from "../formats/options/profile-options.ts";

/** A session whose every run takes `ms` (reported, not slept), recording what it was asked. */
function fakeSession(path: string, ms: number, calls: string[]): EpSession {
  return {
    inputNames: ["x"],
    outputNames: ["y"],
    createMs: 7,
    threads: { requested: 1, logicalCpus: 2, spinning: false },
    feed: async (f) => void calls.push(`${path} feed ${f.batch}`),
    run: async () => (calls.push(`${path} run`), ms),
    runBlock: async (n) => (calls.push(`${path} block ${n}`), Array.from({ length: n }, () => ms)),
    predict: async () => new Uint8Array(),
    dispose: async () => void calls.push(`${path} dispose`),
  };
}

/** A host over fake sessions: `ms[path]` per run; a path in `fail` throws `fail[path]` on open. */
function fakeHost(ms: Record<string, number>, fail: Record<string, Error> = {}) {
  const calls: string[] = [];
  let rss = 100;
  const host: EpSessionHost = {
    onGpu: false,
    open: async (path: string, settings: SessionSettings) => {
      calls.push(`open ${path} timed=${settings.timed}${settings.intraOpThreads !== undefined ? ` threads=${settings.intraOpThreads}` : ""}`);
      if (fail[path]) throw fail[path];
      return fakeSession(path, ms[path]!, calls);
    },
    peakRssMiB: () => (rss += 10),
    profileOps: async () => ({ ops: [{ opType: "Conv", provider: "CPUExecutionProvider", ms: 0.5, share: 1, nodes: 2 }], arena: null, runs: 3 }),
    close: async () => void calls.push("close"),
  };
  return { host, calls };
}

const measure: MeasureSettings = {
  ...DEFAULT_MEASURE,
  rowBudgetMs: 100,
  warmupTimeMs: 0,
  warmupIterations: 1,
  minTimeMs: 1,
  minIterations: 3,
  minCycles: 2,
  blockMs: 1,
};
const feeds = (batch: number) => ({ batch, inputs: [{ name: "x", shape: [batch, 4], elemType: 1 }] });

test("rssRuns: as many runs after the first (up to 3) as fit in a tenth of the row budget", () => {
  assert.deepEqual([rssRuns(4, 100), rssRuns(1, 100), rssRuns(10, 100), rssRuns(0.5, 5000)], [2, 3, 0, 3]);
});

test("facts pass: session, each batch's first run and RSS runs, then the per-op profile", async () => {
  const { host, calls } = fakeHost({ "m.onnx": 4 });
  const sent: ChildMessage[] = [];
  const job: FactsJob = { kind: "facts", ep: "cpu", onnxPath: "m.onnx", batches: [feeds(1), feeds(8)], measure, accuracy: null, traceDir: "/tmp" };
  await runFactsPass(job, host, async (m) => void sent.push(m));
  assert.deepEqual(sent, [
    { type: "session", sessionCreateMs: 7, baselineRssMiB: 110 },
    { type: "batch-facts", batch: 1, firstRunMs: 4, peakRssMiB: 120 },
    { type: "batch-facts", batch: 8, firstRunMs: 4, peakRssMiB: 130 },
    { type: "ops", batch: 1, ops: [{ opType: "Conv", provider: "CPUExecutionProvider", ms: 0.5, share: 1, nodes: 2 }], arena: null },
  ]);
  assert.deepEqual(calls, [
    "open m.onnx timed=false",
    "m.onnx feed 1",
    "m.onnx run",
    "m.onnx block 2",
    "m.onnx feed 8",
    "m.onnx run",
    "m.onnx block 2",
    "m.onnx dispose",
  ]);
});

test("facts pass: an EP that cannot start sends cannot-start with its reason and fix, and nothing else", async () => {
  const { host } = fakeHost({}, { "m.onnx": new EpCannotStart("no GPU here", "install a driver") });
  const sent: ChildMessage[] = [];
  await runFactsPass(
    { kind: "facts", ep: "cuda", onnxPath: "m.onnx", batches: [feeds(1)], measure, accuracy: null, traceDir: "/tmp" },
    host,
    async (m) => void sent.push(m),
  );
  assert.deepEqual(sent, [{ type: "cannot-start", reason: "no GPU here", fix: "install a driver" }]);
});

/** An energy meter over counters that do not exist: every variant's energy says why. */
const noCounters = () => openEnergyMeter({ powercapRoot: "/nonexistent/powercap", nvidiaSmi: "/nonexistent/nvidia-smi" });

const paired = (variants: PairedJob["variants"]): PairedJob => ({ kind: "paired", ep: "cpu", variants, batches: [1, 8], measure, seed: 1 });

test("paired pass: every variant timed at each batch, with its session's creation, threads and energy; a variant without the batch left out", async () => {
  const { host, calls } = fakeHost({ "f.onnx": 2, "i.onnx": 1 });
  const sent: ChildMessage[] = [];
  const job = paired([
    { name: "fp32", onnxPath: "f.onnx", feeds: [feeds(1), feeds(8)] },
    { name: "int8", onnxPath: "i.onnx", feeds: [feeds(1), { batch: 8, inputs: [] }], intraOpThreads: 1 },
  ]);
  await runPairedPass(job, host, async (m) => void sent.push(m), noCounters);
  assert.deepEqual(
    sent.map((m) =>
      m.type === "paired-batch"
        ? { batch: m.batch, variants: m.variants.map((v) => [v.name, v.latency.p50, v.sessionCreateMs, v.threads, v.energy?.available]) }
        : m,
    ),
    [
      {
        batch: 1,
        variants: [
          ["fp32", 2, 7, { requested: 1, logicalCpus: 2, spinning: false }, false],
          ["int8", 1, 7, { requested: 1, logicalCpus: 2, spinning: false }, false],
        ],
      },
      { batch: 8, variants: [["fp32", 2, 7, { requested: 1, logicalCpus: 2, spinning: false }, false]] },
    ],
  );
  assert.deepEqual(calls.slice(0, 2), ["open f.onnx timed=true", "open i.onnx timed=true threads=1"]);
  assert.deepEqual(calls.slice(-2), ["f.onnx dispose", "i.onnx dispose"]);
});

test("paired pass: a variant that fails to open is reported and the others are timed; cannot-start ends the job", async () => {
  const broken = fakeHost({ "f.onnx": 2 }, { "i.onnx": new Error("bad model: i.onnx") });
  const sent: ChildMessage[] = [];
  await runPairedPass(
    paired([
      { name: "fp32", onnxPath: "f.onnx", feeds: [feeds(1), feeds(8)] },
      { name: "int8", onnxPath: "i.onnx", feeds: [feeds(1), feeds(8)] },
    ]),
    broken.host,
    async (m) => void sent.push(m),
    noCounters,
  );
  assert.deepEqual(
    sent.map((m) => (m.type === "paired-batch" ? `paired ${m.batch}: ${m.variants.map((v) => v.name).join(",")}` : m)),
    [{ type: "variant-error", variant: "int8", message: "bad model: i.onnx" }, "paired 1: fp32", "paired 8: fp32"],
  );
  const gone = fakeHost({}, { "f.onnx": new EpCannotStart("no adapter", "use --eps cpu") });
  const said: ChildMessage[] = [];
  await runPairedPass(paired([{ name: "fp32", onnxPath: "f.onnx", feeds: [feeds(1)] }]), gone.host, async (m) => void said.push(m), noCounters);
  assert.deepEqual(said, [{ type: "cannot-start", reason: "no adapter", fix: "use --eps cpu" }]);
});
