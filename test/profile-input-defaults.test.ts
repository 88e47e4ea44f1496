/**
 * #23 case 4: no silent default. Dynamic height/width without --shape is said and the shape
 * used is in plan.json; --shape for an input no model has is an error; integer inputs fed
 * zeros are said; a foreign INT8 calibrated on generated inputs says so on its rows.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { init, valueInfo } from "../bench/lenet-model.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile, runProfileInTerminal } from "./profile-with-suite.ts";
import { checkShapeNames, inputWarnings } from "../profile/input-defaults.ts";
import { onnxSuiteFiles } from "../pipeline/onnx-precisions.ts";
import { RUN_FILES } from "../formats/run/results-schema.ts";

const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
const HW_TEXT = 'input "image" has dynamic dims Nx3xHxW; ran at 1x3x224x224 (defaults); give --shape image=1x3x224x224 with the real size';
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "input-defaults-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Conv(3→4) → GlobalAveragePool → Flatten → Gemm(10) on `image` [N, 3, H, W]: any height and width. */
function anySizeModel(): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "anysize",
      input: [valueInfo("image", ["N", 3, "H", "W"])],
      output: [valueInfo("logits", ["N", 10])],
      initializer: [init("w", [4, 3, 3, 3], 1), init("fc", [4, 10], 2)],
      node: [
        { opType: "Conv", input: ["image", "w"], output: ["c"], attribute: [{ name: "pads", ints: [1, 1, 1, 1], type: 7 }] },
        { opType: "GlobalAveragePool", input: ["c"], output: ["g"] },
        { opType: "Flatten", input: ["g"], output: ["f"] },
        { opType: "Gemm", input: ["f", "fc"], output: ["logits"] },
      ],
    },
  };
}

test("inputWarnings: defaulted dims and zero-fed integer inputs, nothing when --shape gives the dims", () => {
  const image = { name: "image", dims: ["N", 3, "H", "W"], elemType: 1 };
  assert.deepEqual(inputWarnings([image], 1, {}), [{ code: "input-default", text: HW_TEXT, figures: {} }]);
  assert.deepEqual(inputWarnings([image], 1, { image: [1, 3, 32, 32] }), []);
  assert.deepEqual(inputWarnings([{ name: "ids", dims: ["N", 4], elemType: 7 }], 1, {}), [
    {
      code: "input-default",
      text: 'input "ids" is int64: fed all zeros (the profiler cannot make valid ids); timings of data-dependent ops may differ with real inputs',
      figures: {},
    },
  ]);
  assert.throws(() => checkShapeNames({ foo: [1, 3, 32, 32] }, [{ name: "m", inputs: [image] }]), {
    message: '--shape "foo": no model has an input of that name. Inputs: m: image',
  });
});

test("a dynamic-H/W model without --shape: said, recorded in plan.json and on its rows; --shape foo is an error", { timeout: 120_000 }, async () => {
  const model = join(dir, "anysize.onnx");
  await writeOnnx(model, anySizeModel());
  const quiet = { onnx: [model], eps: ["cpu"], batches: [1], quick: true, measure: FAST, threadCheck: false, progress: false, printTable: false };
  await assert.rejects(runProfile({ ...quiet, shapes: { foo: [1, 3, 32, 32] }, out: join(dir, "bad"), log: () => undefined }), {
    message: '--shape "foo": no model has an input of that name. Inputs: anysize: image',
  });
  const logs: string[] = [];
  const run = await runProfileInTerminal({ ...quiet, out: join(dir, "out"), log: (l) => logs.push(l) });
  assert.ok(logs.includes(`profile: anysize: ${HW_TEXT}`), logs.join("\n"));
  const plan = JSON.parse(await readFile(join(run.dir, RUN_FILES.plan), "utf8")) as { jobs: { inputs: { dims: unknown[]; shape: number[] }[] }[] };
  assert.deepEqual(plan.jobs[0]?.inputs[0], { name: "image", dims: ["N", 3, "H", "W"], elemType: 1, shape: [1, 3, 224, 224] });
  const row = run.results.rows[0]!;
  assert.equal(row.state, "ok");
  assert.deepEqual(row.state === "ok" ? row.warnings.filter((w) => w.code === "input-default").map((w) => w.text) : [], [HW_TEXT]);
});

test("a foreign INT8 calibrated on generated inputs carries the warning on its rows", async () => {
  const fp32 = join(dir, "net.onnx");
  await writeOnnx(fp32, buildTinyClassifier());
  const files = await onnxSuiteFiles({
    onnx: [fp32],
    precisions: ["fp32", "int8", "int8-dynamic"],
    out: join(dir, "q"),
    log: () => {},
    quantize: async (_source, precisions, outDir) => {
      await mkdir(outDir, { recursive: true });
      for (const p of precisions) await writeOnnx(join(outDir, `net.${p}.onnx`), buildTinyClassifier());
      await writeFile(join(outDir, "net.export.json"), JSON.stringify({ calibration: { source: "generated" } }));
    },
  });
  assert.deepEqual(
    files.map((f) => [f.precision, f.warnings?.map((w) => [w.code, w.text]) ?? []]),
    [
      ["fp32", []],
      [
        "int8",
        [
          [
            "generated-calibration",
            `int8 calibrated on generated inputs (uniform noise), not real images: its accuracy is unknown; npm run export -- --onnx ${fp32} --calibration <dataset|image folder> calibrates on real ones`,
          ],
        ],
      ],
      ["int8-dynamic", []],
    ],
  );
});
