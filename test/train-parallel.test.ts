/**
 * Parallel training: each model in its own child gives the same weights, byte for byte,
 * as training it in this process; a model that fails is reported by name while the
 * others finish.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { trainInParallel, trainModel, type TrainOptionsInput } from "../train/index.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "train-parallel-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const input = (model: string, out: string): TrainOptionsInput => ({
  model,
  dataset: "synthetic",
  out,
  epochs: 1,
  limit: 300,
  testLimit: 100,
  backend: "wasm",
  progress: true,
  summary: false,
});

test("models trained side by side in children match in-process training byte for byte; a failure names its model", async () => {
  const lines: string[] = [];
  await assert.rejects(
    trainInParallel(
      [
        { label: "fcnn", input: input("fcnn", join(dir, "par")) },
        { label: "nope", input: input("nope", join(dir, "par")) },
      ],
      { concurrency: 2, log: (l) => lines.push(l), bars: false },
    ),
    (e: Error) => {
      assert.match(e.message, /^training nope failed: Unknown model "nope"/);
      return true;
    },
  );
  assert.ok(
    lines.some((l) => /^\[fcnn\] saved /.test(l)),
    lines.join("\n"),
  );
  await trainModel({ ...input("fcnn", join(dir, "seq")), progress: false });
  const [par, seq] = await Promise.all(["par", "seq"].map((d) => readFile(join(dir, d, "models", "fcnn-synthetic", "weights.bin"))));
  assert.equal(par!.length, seq!.length);
  assert.ok(par!.equals(seq!), "weights differ between the child and in-process training");
});
