/**
 * ort/profile-trace.ts: the one reader of ORT's profiling trace: exact events from a
 * hand-written trace, exact errors on malformed ones, the newest file read (and removed),
 * and a real trace from onnxruntime-node.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { kernelEvents, kernelsByNode, modelRunStartsUs, parseOrtTraceText, profileOrtSession, readOrtTrace } from "../ort/index.ts";
import { probeModel } from "../profile/eps/ort-probe.ts";

/** Two runs of a two-node graph, as ORT writes them (numbers in `args` as strings). */
const TRACE = JSON.stringify([
  { cat: "Session", pid: 1, tid: 1, dur: 900, ts: 5, ph: "X", name: "session_initialization", args: {} },
  { cat: "Session", pid: 1, tid: 1, dur: 60, ts: 1000, ph: "X", name: "model_run", args: {} },
  { cat: "Node", pid: 1, tid: 1, dur: 1, ts: 1001, ph: "X", name: "conv1/Conv_fence_before", args: { op_name: "Conv" } },
  {
    cat: "Node",
    pid: 1,
    tid: 1,
    dur: 40,
    ts: 1002,
    ph: "X",
    name: "conv1/Conv_kernel_time",
    args: { op_name: "Conv", provider: "CPUExecutionProvider", mem_arena_held: "2097152", mem_in_use_peak: "1048576" },
  },
  { cat: "Node", pid: 1, tid: 1, dur: 9, ts: 1043, ph: "X", name: "fc/Gemm_kernel_time", args: { op_name: "Gemm", provider: "CPUExecutionProvider" } },
  { cat: "Session", pid: 1, tid: 1, dur: 20, ts: 500, ph: "X", name: "model_run", args: {} },
  { cat: "Node", pid: 1, tid: 1, dur: 12, ts: 501, ph: "X", name: "conv1/Conv_kernel_time", args: { op_name: "Conv", provider: "CPUExecutionProvider" } },
  {
    cat: "Node",
    pid: 1,
    tid: 1,
    dur: 3,
    ts: 514,
    ph: "X",
    name: "fc/Gemm_kernel_time",
    args: { op_name: "Gemm", provider: "CPUExecutionProvider", mem_arena_held: "n/a" },
  },
]);

test("a trace's kernel events: node, op type, provider, start and duration in µs, arena bytes", () => {
  const events = parseOrtTraceText(TRACE, "t.json");
  assert.equal(events.length, 8);
  assert.deepEqual(kernelEvents(events), [
    {
      cat: "Node",
      node: "conv1/Conv",
      opType: "Conv",
      provider: "CPUExecutionProvider",
      startUs: 1002,
      durUs: 40,
      arenaHeldBytes: 2097152,
      inUsePeakBytes: 1048576,
    },
    {
      cat: "Node",
      node: "fc/Gemm",
      opType: "Gemm",
      provider: "CPUExecutionProvider",
      startUs: 1043,
      durUs: 9,
      arenaHeldBytes: undefined,
      inUsePeakBytes: undefined,
    },
    {
      cat: "Node",
      node: "conv1/Conv",
      opType: "Conv",
      provider: "CPUExecutionProvider",
      startUs: 501,
      durUs: 12,
      arenaHeldBytes: undefined,
      inUsePeakBytes: undefined,
    },
    {
      cat: "Node",
      node: "fc/Gemm",
      opType: "Gemm",
      provider: "CPUExecutionProvider",
      startUs: 514,
      durUs: 3,
      arenaHeldBytes: undefined,
      inUsePeakBytes: undefined,
    },
  ]);
  assert.deepEqual(modelRunStartsUs(events), [500, 1000]);
  assert.deepEqual(
    kernelsByNode(kernelEvents(events)),
    new Map([
      ["conv1/Conv", { opType: "Conv", durUs: [40, 12] }],
      ["fc/Gemm", { opType: "Gemm", durUs: [9, 3] }],
    ]),
  );
});

test("absent fields read as ORT leaves them: no ts or dur is 0, no args names no op", () => {
  assert.deepEqual(kernelEvents(parseOrtTraceText('[{"name":"x_kernel_time"},{"name":"model_run"}]', "t.json")), [
    { cat: undefined, node: "x", opType: undefined, provider: undefined, startUs: 0, durUs: 0, arenaHeldBytes: undefined, inUsePeakBytes: undefined },
  ]);
});

test("a malformed trace fails naming the file and the bad event", () => {
  let notJson = "";
  try {
    JSON.parse("[{");
  } catch (e) {
    notJson = (e as Error).message;
  }
  assert.throws(() => parseOrtTraceText("[{", "t.json"), { message: `Invalid ORT profiling trace "t.json": not JSON (${notJson})` });
  assert.throws(() => parseOrtTraceText('{"traceEvents":[]}', "t.json"), {
    message: 'Invalid ORT profiling trace "t.json": expected a JSON array of events, got object',
  });
  assert.throws(() => parseOrtTraceText('[{}, "x"]', "t.json"), { message: 'Invalid ORT profiling trace "t.json": event 1 is string, expected an object' });
  assert.throws(() => parseOrtTraceText('[{"name":"a_kernel_time","dur":"12"}]', "t.json"), {
    message: 'Invalid ORT profiling trace "t.json": event 0: "dur" is "12", expected a number',
  });
  assert.throws(() => parseOrtTraceText('[{"name":7}]', "t.json"), {
    message: 'Invalid ORT profiling trace "t.json": event 0: "name" is 7, expected a string',
  });
  assert.throws(() => parseOrtTraceText('[{"args":[1]}]', "t.json"), {
    message: 'Invalid ORT profiling trace "t.json": event 0: "args" is array, expected an object',
  });
  assert.throws(() => parseOrtTraceText('[{"args":{"op_name":5}}]', "t.json"), {
    message: 'Invalid ORT profiling trace "t.json": event 0: "args.op_name" is 5, expected a string',
  });
});

test("readOrtTrace reads the prefix's newest file, removes it when asked, and is undefined without one", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ort-trace-test-"));
  try {
    await writeFile(join(dir, "cpu-trace_2026-01-01_10-00-00.json"), "[]");
    await writeFile(join(dir, "cpu-trace_2026-01-01_10-00-01.json"), TRACE);
    await writeFile(join(dir, "cuda-trace_2026-01-01_10-00-02.json"), "[]");
    const events = await readOrtTrace(join(dir, "cpu-trace"), { remove: true });
    assert.equal(events?.length, 8);
    assert.deepEqual((await readdir(dir)).sort(), ["cpu-trace_2026-01-01_10-00-00.json", "cuda-trace_2026-01-01_10-00-02.json"]);
    assert.deepEqual(await readOrtTrace(join(dir, "cpu-trace"), { remove: false }), []);
    assert.equal((await readdir(dir)).length, 2);
    assert.equal(await readOrtTrace(join(dir, "webgpu-trace"), { remove: true }), undefined);
    await writeFile(join(dir, "bad-trace_1.json"), "{}");
    await assert.rejects(readOrtTrace(join(dir, "bad-trace"), { remove: true }), {
      message: `Invalid ORT profiling trace "${join(dir, "bad-trace_1.json")}": expected a JSON array of events, got object`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("onnxruntime-node's own trace: one Relu kernel event per run, on the CPU EP", async () => {
  const events = await profileOrtSession(probeModel(), { executionProviders: ["cpu"], logLevel: 3 }, async (session) => {
    const { Tensor } = await import("onnxruntime-node");
    for (let i = 0; i < 3; i++) await session.run({ x: new Tensor("float32", new Float32Array([1, -1, 2, -2]), [1, 4]) });
  });
  assert.equal(modelRunStartsUs(events).length, 3);
  const kernels = kernelEvents(events);
  assert.deepEqual(
    kernels.map((k) => [k.cat, k.opType, k.provider]),
    [0, 1, 2].map(() => ["Node", "Relu", "CPUExecutionProvider"]),
  );
  assert.ok(kernels.every((k) => Number.isFinite(k.durUs) && k.durUs >= 0));
});
