/**
 * ort/session-options.ts: the one builder of onnxruntime-node session options, and the
 * options profile/'s onnxruntime-node host builds with it (exact objects).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ortSessionOptions, spinningEntries } from "../ort/index.ts";
import { CPU_EP_SPEC } from "../profile/eps/cpu-ep.ts";
import { nodeSessionOptions } from "../profile/node-session.ts";

const NO_SPIN = { session: { intra_op: { allow_spinning: "0" } } };

test("every setting in ORT's spelling; settings left out write no key", () => {
  assert.deepEqual(ortSessionOptions({}), {});
  assert.deepEqual(
    ortSessionOptions({
      executionProviders: ["cpu"],
      intraOpThreads: 0,
      interOpThreads: 2,
      spinning: false,
      graphOptimization: "all",
      optimizedModelFilePath: "/tmp/o.onnx",
      profileFilePrefix: "/tmp/p",
      logLevel: 3,
    }),
    {
      executionProviders: ["cpu"],
      intraOpNumThreads: 0,
      interOpNumThreads: 2,
      extra: NO_SPIN,
      graphOptimizationLevel: "all",
      optimizedModelFilePath: "/tmp/o.onnx",
      enableProfiling: true,
      profileFilePrefix: "/tmp/p",
      logSeverityLevel: 3,
    },
  );
  assert.deepEqual(ortSessionOptions({ intraOpThreads: undefined, spinning: undefined, logLevel: 3 }), { logSeverityLevel: 3 });
});

test("spinning: allow_spinning 1 or 0", () => {
  assert.deepEqual(spinningEntries(true), { session: { intra_op: { allow_spinning: "1" } } });
  assert.deepEqual(ortSessionOptions({ spinning: false }), { extra: NO_SPIN });
});

test("settings replace the base options' keys and keep the rest", () => {
  assert.deepEqual(ortSessionOptions({ intraOpThreads: 1, logLevel: 3 }, { executionProviders: ["cuda"], intraOpNumThreads: 4, logSeverityLevel: 0 }), {
    executionProviders: ["cuda"],
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
  });
});

test("profile/'s host: the EP's options at log level 3, no spinning on timed sessions, threads where given, profiling on top", () => {
  assert.deepEqual(nodeSessionOptions(CPU_EP_SPEC, { timed: false }), { executionProviders: ["cpu"], logSeverityLevel: 3 });
  assert.deepEqual(nodeSessionOptions(CPU_EP_SPEC, { timed: true }), { executionProviders: ["cpu"], logSeverityLevel: 3, extra: NO_SPIN });
  assert.deepEqual(nodeSessionOptions(CPU_EP_SPEC, { timed: true, intraOpThreads: 0 }), {
    executionProviders: ["cpu"],
    logSeverityLevel: 3,
    extra: NO_SPIN,
    intraOpNumThreads: 0,
  });
  assert.deepEqual(nodeSessionOptions(CPU_EP_SPEC, { timed: false }, ortSessionOptions({ profileFilePrefix: "/r/cpu-trace" })), {
    executionProviders: ["cpu"],
    logSeverityLevel: 3,
    enableProfiling: true,
    profileFilePrefix: "/r/cpu-trace",
  });
});
