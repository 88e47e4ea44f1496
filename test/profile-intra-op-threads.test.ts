/** The intra-op thread facts recorded per row: the requested count (0 = ORT's default) beside the machine's logical CPUs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { intraOpThreadsOf } from "../profile/intra-op-threads.ts";

test("intra-op threads: default 0, an explicit count, and a bad one named", () => {
  assert.deepEqual(intraOpThreadsOf({ executionProviders: ["cpu"] }, 2), { requested: 0, logicalCpus: 2 });
  assert.deepEqual(intraOpThreadsOf({ intraOpNumThreads: 1 }, 2), { requested: 1, logicalCpus: 2 });
  assert.throws(() => intraOpThreadsOf({ intraOpNumThreads: -1 }, 2), {
    message: "Invalid intraOpNumThreads -1: expected a whole number ≥ 0 (0 = ONNX Runtime's default)",
  });
});
