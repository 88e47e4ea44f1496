/**
 * `export --onnx`: a model the harness did not write (no harness metadata) is quantized,
 * tuned and recorded with generated calibration and its loud warning; the flags map onto
 * the options; bad sources and values are named.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Command } from "commander";
import { onnxExportOptionsFromFlags, registerExport } from "../cli/export-command.ts";
import { exportOnnxFile, GENERATED_WARNING } from "../export/export-onnx-file.ts";
import { OnnxExportRecordSchema } from "../formats/onnx-export-record.ts";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildReferenceModel } from "./fixtures/reference-models.ts";
import { assertCandidates } from "./tune-candidates-helper.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "export-onnx-"));
  await writeOnnx(join(dir, "foreign.onnx"), buildReferenceModel("lenet"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function exportFlags(args: string[]): Record<string, unknown> {
  const program = new Command();
  registerExport(program);
  const cmd = program.commands.find((c) => c.name() === "export")!;
  cmd.action(() => {});
  program.parse(["node", "cli", "export", ...args]);
  return cmd.opts();
}

describe("export --onnx", () => {
  it("quantizes and tunes a foreign model on generated inputs, warns, and records what stayed float", async () => {
    const lines: string[] = [];
    const record = await exportOnnxFile({
      onnx: join(dir, "foreign.onnx"),
      precisions: ["int8", "int8-all"],
      tuneMs: 200,
      calibrationSize: 64,
      onProgress: (l) => lines.push(l),
    });
    assert.equal(lines[0], GENERATED_WARNING);
    assert.deepEqual(record.calibration, { source: "generated", images: 64, labelled: false, warning: GENERATED_WARNING });
    assert.deepEqual(
      record.precisions.map((p) => p.file),
      ["foreign.int8.onnx", "foreign.int8-all.onnx"],
    );
    for (const p of record.precisions) assert.ok(existsSync(join(dir, p.file)));
    assert.deepEqual(record.precisions[1]?.quantization.float, [
      { name: "softmax_13", opType: "Softmax", reason: "Softmax output kept float: probabilities would be rounded to 1/256 steps" },
    ]);
    assertCandidates(record.tuning!.candidates, [
      ["all", 0],
      ["image-convs-float", 1],
      ["last-float", 1],
      ["first-last-float", 2],
      ["conv-float", 2],
      ["gemm-float", 3],
    ]);
    assert.deepEqual(record.tuning?.validation, { split: "generated", images: 0 });
    assert.ok(record.tuning?.candidates.every((c) => c.accuracy === null && c.withinBudget));
    assert.ok(record.tuning?.why.endsWith("; accuracy unknown (generated inputs): chosen on speed alone"), record.tuning?.why);
    const chosen = record.tuning!.candidates.find((c) => c.name === record.tuning!.chosen)!;
    const int8Float = record.precisions[0]!.quantization.float.map((f) => f.name);
    for (const n of chosen.floatNodes) assert.ok(int8Float.includes(n), `${n} float in int8`);
    OnnxExportRecordSchema.parse(JSON.parse(await readFile(join(dir, "foreign.export.json"), "utf8")));
  });

  it("calibrates on MNIST and checks each candidate's accuracy on images after the calibration sample", async () => {
    const out = join(dir, "mnist");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(out);
    const record = await exportOnnxFile({
      onnx: join(dir, "foreign.onnx"),
      calibration: "mnist",
      precisions: ["int8"],
      calibrationSize: 64,
      validationSize: 200,
      tuneMs: 200,
      outDir: out,
    });
    assert.deepEqual(record.calibration, { source: "mnist", images: 64, labelled: true, warning: null });
    assert.deepEqual(record.tuning?.validation, { split: "train", images: 200 });
    assert.ok(record.tuning!.candidates.every((c) => c.accuracy !== null && c.accuracy >= 0 && c.accuracy <= 1));
    assert.equal(typeof record.tuning?.fp32Accuracy, "number");
    assert.ok(existsSync(join(out, "foreign.int8.onnx")));
  });

  it("calibrates on an image folder resized to the model's input", async () => {
    const sharp = (await import("sharp")).default;
    const { mkdir } = await import("node:fs/promises");
    const images = join(dir, "pictures");
    for (const cls of ["a", "b"]) {
      await mkdir(join(images, cls), { recursive: true });
      for (let i = 0; i < 3; i++) {
        await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 40 * i, g: 200, b: cls === "a" ? 0 : 255 } } })
          .png()
          .toFile(join(images, cls, `${i}.png`));
      }
    }
    const out = join(dir, "folder-out");
    await mkdir(out);
    const record = await exportOnnxFile({
      onnx: join(dir, "foreign.onnx"),
      calibration: images,
      precisions: ["int8-all"],
      calibrationSize: 6,
      outDir: out,
      normalisation: { mean: [0.5], std: [0.25] },
    });
    assert.deepEqual(record.calibration, { source: images, images: 6, labelled: false, warning: null });
    assert.equal(record.tuning, null);
    assert.equal(record.precisions[0]?.file, "foreign.int8-all.onnx");
  });

  it("maps its flags onto the options", () => {
    const f = exportFlags([
      "--onnx",
      "m.onnx",
      "--precision",
      "fp32,int8,fp16",
      "--calibration",
      "mnist",
      "--mean",
      "0.1307",
      "--std",
      "0.3081",
      "--accuracy-budget",
      "0.5",
    ]);
    const o = onnxExportOptionsFromFlags(f);
    assert.deepEqual(o, {
      onnx: "m.onnx",
      precisions: ["int8", "fp16"],
      calibration: "mnist",
      normalisation: { mean: [0.1307], std: [0.3081] },
      calibrationSize: 300,
      validationSize: 2000,
      tune: true,
      accuracyBudget: 0.5,
      tuneBatch: 32,
      tuneMs: 3000,
      intraOpThreads: 0,
    });
    assert.equal(onnxExportOptionsFromFlags(exportFlags(["--onnx", "m.onnx", "--no-tune"])).tune, false);
  });

  it("names a bad calibration source, a zero std, and a missing input", async () => {
    await assert.rejects(exportOnnxFile({ onnx: join(dir, "foreign.onnx"), calibration: "imagenet" }), {
      message: 'Unknown calibration source "imagenet". Expected one of: mnist, fashion-mnist, cifar10, generated, or an image folder (one subfolder per class)',
    });
    assert.throws(() => onnxExportOptionsFromFlags(exportFlags(["--onnx", "m.onnx", "--std", "0.2,0"])), {
      message: 'Invalid --std "0.2,0": a standard deviation of 0 divides by zero',
    });
    const program = new Command();
    program.exitOverride();
    registerExport(program);
    await assert.rejects(program.parseAsync(["node", "cli", "export"]), { message: "export needs --model-dir <trained model dir> or --onnx <file.onnx>" });
  });
});
