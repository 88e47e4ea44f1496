/**
 * `profile --onnx model.onnx --precision fp32,int8` no longer drops int8 silently: the
 * missing precision is quantized from the FP32 file (once; cached), a quantizer failure is
 * an error naming the file, `--int8` pairs the user's own file; with no `--precision`, each
 * file is profiled as it is.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildReferenceModel } from "./fixtures/reference-models.ts";
import { onnxSuiteFiles, type OnnxSuiteOptions } from "../pipeline/onnx-precisions.ts";
import { resolveProfileOptions, type Precision } from "../formats/options/profile-options.ts";

let dir = "";
let fp32 = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-onnx-"));
  fp32 = join(dir, "net.onnx");
  await writeOnnx(fp32, buildReferenceModel("lenet"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake quantizer that writes `<stem>.<p>.onnx` (a copy of the FP32 model) and counts its calls. */
function fakeQuantizer(calls: string[][]): NonNullable<OnnxSuiteOptions["quantize"]> {
  return async (_source, precisions, outDir) => {
    calls.push([...precisions]);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(outDir, { recursive: true });
    for (const p of precisions) await writeOnnx(join(outDir, `net.${p}.onnx`), buildReferenceModel("lenet"));
  };
}

const base = (precisions: Precision[], extra: Partial<OnnxSuiteOptions> = {}): OnnxSuiteOptions => ({
  onnx: [fp32],
  precisions,
  out: join(dir, "out"),
  log: () => {},
  ...extra,
});

describe("profile --onnx precisions", () => {
  it("quantizes a requested precision the file lacks, once, and reuses the cached file", async () => {
    const calls: string[][] = [];
    const files = await onnxSuiteFiles(base(["fp32", "int8"], { quantize: fakeQuantizer(calls) }));
    assert.deepEqual(
      files.map((f) => [f.precision, f.model, f.path.startsWith(join(dir, "out", "onnx-quantized", "net-"))]),
      [
        ["fp32", "net", false],
        ["int8", "net", true],
      ],
    );
    assert.ok(files[1]?.path.endsWith("/net.int8.onnx"));
    assert.deepEqual(calls, [["int8"]]);
    const again = await onnxSuiteFiles(base(["fp32", "int8"], { quantize: fakeQuantizer(calls) }));
    assert.deepEqual(again, files);
    assert.deepEqual(calls, [["int8"]]);
  });

  it("a quantizer failure or a missing output is an error naming the file, never a dropped row", async () => {
    await assert.rejects(
      onnxSuiteFiles(
        base(["fp32", "fp16"], {
          quantize: async () => {
            throw new Error("boom");
          },
        }),
      ),
      {
        message: `Cannot make precision fp16 of "${fp32}": boom`,
      },
    );
    await assert.rejects(onnxSuiteFiles(base(["int8-all"], { quantize: async () => {} })), (e: Error) =>
      e.message.startsWith(`Cannot make precision "int8-all" of "${fp32}": the quantizer wrote no `),
    );
  });

  it("--int8 pairs the user's own INT8 file with the FP32 one under the FP32 model's name", async () => {
    const mine = join(dir, "mine-quantized.onnx");
    await writeOnnx(mine, buildReferenceModel("lenet"));
    const files = await onnxSuiteFiles(base(["fp32", "int8"], { int8: mine, quantize: async () => assert.fail("nothing to quantize") }));
    assert.deepEqual(files, [
      { path: fp32, precision: "fp32", model: "net" },
      { path: mine, precision: "int8", model: "net" },
    ]);
  });

  it("without --precision each file is profiled as it is; an INT8 file outside the list is named", async () => {
    const int8 = join(dir, "net.int8.onnx");
    await writeOnnx(int8, buildReferenceModel("lenet"));
    assert.deepEqual(await onnxSuiteFiles({ ...base([]), onnx: [fp32, int8] }), [
      { path: fp32, precision: "fp32", model: "net" },
      { path: int8, precision: "int8", model: "net" },
    ]);
    // the int8 file beside the FP32 one is used instead of quantizing
    assert.deepEqual(await onnxSuiteFiles(base(["int8"], { quantize: async () => assert.fail("nothing to quantize") })), [
      { path: int8, precision: "int8", model: "net" },
    ]);
    await assert.rejects(onnxSuiteFiles({ ...base(["fp32"]), onnx: [fp32, int8] }), {
      message: `"${int8}" is int8, which is not among the requested precisions (fp32). Add it to --precision or leave the file out.`,
    });
    await rm(int8);
  });

  it("--precision defaults to each file as it is with --onnx, fp32,int8 for zoo models", () => {
    assert.deepEqual(resolveProfileOptions({ onnx: ["a.onnx"] }).precisions, []);
    assert.deepEqual(resolveProfileOptions({}).precisions, ["fp32", "int8"]);
  });

  it("--int8 needs exactly one FP32 file", async () => {
    await writeFile(join(dir, "other.onnx"), "");
    await assert.rejects(onnxSuiteFiles(base(["int8"], { onnx: [], int8: fp32 })), {
      message: `--int8 "${fp32}" pairs with exactly one FP32 --onnx file; got 0.`,
    });
  });
});
