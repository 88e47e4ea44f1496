import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeOnnx, writeOnnx } from "../formats/onnx/onnx-io.ts";
import { faultyCpuEp } from "./fixtures/faulty-ep.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { parseBatchList, resolveProfileOptions } from "../formats/options/profile-options.ts";
import { runProfile } from "./profile-with-suite.ts";
import { RUN_FILES, readRunResults, type ResultRow } from "../formats/run/results-schema.ts";

const FAST = {
  rowBudgetMs: 200,
  warmupTimeMs: 5,
  warmupIterations: 1,
  minTimeMs: 20,
  minIterations: 3,
  profileIterations: 1,
  profileBudgetMs: 100,
  accuracyBudgetMs: 500,
};
let dir = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-bad-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function quiet() {
  return { quick: true, progress: false, printTable: false, log: () => undefined, measure: FAST, out: join(dir, "out") };
}

function byKey(rows: readonly ResultRow[], key: string): ResultRow {
  const row = rows.find((r) => r.key === key);
  assert.ok(row, `row ${key} missing; have ${rows.map((r) => r.key).join(", ")}`);
  return row;
}

test("batch sizes of 0 or text are refused with the value and an example", () => {
  assert.throws(() => parseBatchList("abc"), { message: 'Invalid batch size "abc": expected positive integers like 1,8,32' });
  assert.throws(() => parseBatchList("1,0"), { message: 'Invalid batch size "0": expected positive integers like 1,8,32' });
  assert.throws(() => resolveProfileOptions({ batches: [0] }), { message: 'Invalid batch size "0": expected positive integers like 1,8,32' });
  assert.deepEqual(parseBatchList("1, 8,32"), [1, 8, 32]);
});

test("an unknown EP stops the run before any work", async () => {
  await assert.rejects(runProfile({ ...quiet(), onnx: ["x.onnx"], eps: ["cpu", "cudaa"] }), {
    message: 'Unknown EP "cudaa". Expected one of: cpu, cuda, webgpu, browser-wasm, browser-webgpu. Did you mean "cuda"?',
  });
});

test("bad files, a crashing or hanging child and a missing dataset become rows; good rows survive", async () => {
  const good = join(dir, "good.onnx");
  const truncated = join(dir, "truncated.onnx");
  const notOnnx = join(dir, "notes.onnx");
  const crash = join(dir, "crashme.onnx");
  const noData = join(dir, "nodata.onnx");
  const hang = join(dir, "hangme.onnx");
  await writeOnnx(good, buildTinyClassifier());
  const bytes = encodeOnnx(buildTinyClassifier());
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await writeFile(notOnnx, "this is a text file, not a model\n");
  await writeOnnx(crash, buildTinyClassifier());
  await writeOnnx(hang, buildTinyClassifier());
  await writeOnnx(
    noData,
    buildTinyClassifier([3, 8, 8], 10, {
      metadata: { model: "nodata", dataset: "cifar10", layout: "NCHW", inputShape: [3, 8, 8], scale: 1 / 255, classNames: [], precision: "fp32" },
    }),
  );
  // The cpu EP, except that its children crash on crashme.onnx and hang on hangme.onnx.
  const run = await runProfile(
    { ...quiet(), onnx: [good, truncated, notOnnx, crash, hang, noData], eps: ["cpu"], batches: [1, 4], childTimeoutMs: 8000 },
    { runners: [faultyCpuEp] },
  );
  const rows = (await readRunResults(run.dir)).rows;
  assert.equal(rows.length, 12);
  assert.equal(byKey(rows, "good|fp32|cpu|1").state, "ok");
  assert.equal(byKey(rows, "good|fp32|cpu|4").state, "ok");

  const t = byKey(rows, "truncated|fp32|cpu|1");
  assert.equal(t.state, "errored");
  if (t.state === "errored") {
    assert.equal(
      t.error,
      `"${truncated}" is not a valid ONNX model (protobuf decoding failed: index out of range); ` +
        "the file is truncated or not ONNX. Re-export it (npm run export) or give another file.",
    );
  }
  const n = byKey(rows, "notes|fp32|cpu|4");
  assert.equal(n.state, "errored");
  if (n.state === "errored") {
    assert.equal(
      n.error,
      `"${notOnnx}" is not a valid ONNX model (protobuf decoding failed: invalid wire type 4 at offset 1); ` +
        "the file is truncated or not ONNX. Re-export it (npm run export) or give another file.",
    );
  }

  for (const batch of [1, 4]) {
    const c = byKey(rows, `crashme|fp32|cpu|${batch}`);
    assert.equal(c.state, "errored");
    if (c.state === "errored") {
      assert.equal(c.error, "child process was killed by signal SIGSEGV");
      assert.equal(c.signal, "SIGSEGV");
      assert.equal(c.exitCode, null);
    }
  }
  const h = byKey(rows, "hangme|fp32|cpu|1");
  assert.equal(h.state, "errored");
  if (h.state === "errored") {
    assert.equal(h.error, "child process timed out after 8 s and was killed");
    assert.equal(h.signal, "SIGKILL");
  }
  const d = byKey(rows, "nodata|fp32|cpu|1");
  assert.equal(d.state, "ok");
  if (d.state === "ok") {
    assert.equal(d.accuracy, null);
    assert.deepEqual(
      d.warnings.filter((w) => w.code === "accuracy-skipped").map((w) => w.text),
      [
        "accuracy skipped: cifar10 has no default location: pass --data-dir with the folder holding " +
          "data_batch_1.bin..data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version, cifar-10-batches-bin)",
      ],
    );
  }
  // Facts of the 4 files that load (the two unreadable ones never reach a child), 2 batches each.
  const facts = (await readFile(join(run.dir, RUN_FILES.facts), "utf8")).trim().split("\n");
  assert.equal(facts.length, 8);
  const csv = (await readFile(join(run.dir, RUN_FILES.csv), "utf8")).trim().split("\n");
  assert.equal(csv.length, 13);
});
