/**
 * `profile --onnx model.onnx --precision fp32,int8`: the files to profile for ONNX models
 * the harness did not train. Each file is profiled at its own precision; a requested
 * precision a model lacks is made from its FP32 file by the export stage's quantizer
 * (`export --onnx`), cached under `<out>/onnx-quantized/`, or taken from the user's own file
 * (`--int8 mine.int8.onnx`). A precision that can be neither made nor found is an error,
 * never a silently missing row.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { readModelFacts, type SuiteFile } from "../profile/index.ts";
import type { Precision } from "../formats/options/profile-options.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";
import type { Warning } from "../formats/run/results-schema.ts";
import type { OnnxExportRecord } from "../formats/onnx-export-record.ts";

/** What {@link onnxSuiteFiles} needs. */
export interface OnnxSuiteOptions {
  /** The `--onnx` files. */
  readonly onnx: readonly string[];
  /** Requested precisions; empty: every file at its own precision, nothing made. */
  readonly precisions: readonly Precision[];
  /** The user's own INT8 file, paired with the (single) FP32 file as its `int8`. */
  readonly int8?: string | undefined;
  /** Artifacts root; quantized files are cached in `<out>/onnx-quantized/<stem>-<hash>/`. */
  readonly out: string;
  /** Tuner batch (the largest profiled batch). */
  readonly tuneBatch?: number;
  readonly log: (line: string) => void;
  /** Makes `precisions` of `source` into `outDir` (default: the export stage's `exportOnnxFile`); injectable for tests. */
  readonly quantize?: (source: string, precisions: Precision[], outDir: string) => Promise<void>;
}

/** ONNX element type names, by TensorProto.DataType. */
const ELEM_TYPE_NAMES: Readonly<Record<number, string>> = {
  2: "uint8",
  3: "int8",
  5: "int16",
  6: "int32",
  7: "int64",
  9: "bool",
  10: "float16",
  11: "float64",
};

const stemOf = (path: string) =>
  basename(path)
    .replace(/\.onnx$/i, "")
    .replace(/\.(fp32|int8-dynamic|int8-all|int8|fp16)$/, "");

async function defaultQuantize(
  source: string,
  precisions: Precision[],
  outDir: string,
  tuneBatch: number | undefined,
  log: (l: string) => void,
): Promise<void> {
  await ensureOutputDir(outDir, "--out");
  const { exportOnnxFile } = await import("../export/index.ts");
  await exportOnnxFile({ onnx: source, precisions, outDir, onProgress: log, ...(tuneBatch ? { tuneBatch } : {}) });
}

/** Static INT8 calibrated on generated inputs (the `export.json` beside it says so) as a warning for its rows; none otherwise. */
async function calibrationWarnings(exportJson: string, precision: Precision, source: string): Promise<{ warnings?: Warning[] }> {
  if (precision !== "int8" && precision !== "int8-all") return {};
  const record = await readFile(exportJson, "utf8").then(
    (t) => JSON.parse(t) as Partial<OnnxExportRecord>,
    () => undefined,
  );
  if (record?.calibration?.source !== "generated") return {};
  return {
    warnings: [
      {
        code: "generated-calibration",
        text: `${precision} calibrated on generated inputs (uniform noise), not real images: its accuracy is unknown; npm run export -- --onnx ${source} --calibration <dataset|image folder> calibrates on real ones`,
        figures: {},
      },
    ],
  };
}

/** The files to profile, each with its precision and model name. */
export async function onnxSuiteFiles(o: OnnxSuiteOptions): Promise<SuiteFile[]> {
  const given = await Promise.all(
    o.onnx.map(async (path) => {
      const facts = await readModelFacts(path).catch(() => undefined);
      return { path, name: facts?.name ?? stemOf(path), precision: (facts?.precision ?? "fp32") as Precision };
    }),
  );
  if (o.int8 && given.filter((g) => g.precision === "fp32").length !== 1) {
    throw new Error(`--int8 "${o.int8}" pairs with exactly one FP32 --onnx file; got ${given.filter((g) => g.precision === "fp32").length}.`);
  }
  if (o.precisions.length === 0) return given.map((g) => ({ path: g.path, precision: g.precision, model: g.name }));
  const files: SuiteFile[] = [];
  for (const g of given) {
    if (o.precisions.includes(g.precision)) files.push({ path: g.path, precision: g.precision, model: g.name });
    if (g.precision !== "fp32") continue;
    const missing = o.precisions.filter((p) => p !== "fp32" && !given.some((x) => x.name === g.name && x.precision === p));
    const toMake: Precision[] = [];
    for (const p of missing) {
      if (p === "int8" && o.int8) {
        files.push({ path: o.int8, precision: "int8", model: g.name });
        continue;
      }
      const beside = join(dirname(g.path), `${stemOf(g.path)}.${p}.onnx`);
      if (existsSync(beside)) {
        o.log(`profile: ${g.name} ${p}: using ${beside} (written by \`npm run export -- --onnx\`)`);
        files.push({
          path: beside,
          precision: p,
          model: g.name,
          ...(await calibrationWarnings(join(dirname(g.path), `${stemOf(g.path)}.export.json`), p, g.path)),
        });
        continue;
      }
      toMake.push(p);
    }
    if (toMake.length === 0) continue;
    // The quantizer feeds generated float32 images (calibration, parity): a model with other inputs gets skipped rows, not a stopped run.
    const nonFloat = ((await readModelFacts(g.path).catch(() => undefined))?.inputs ?? []).find((i) => i.elemType !== 1);
    if (nonFloat) {
      const type = ELEM_TYPE_NAMES[nonFloat.elemType] ?? `type ${nonFloat.elemType}`;
      const skip = {
        reason: `cannot be made here: the quantizer feeds generated float32 images, and input "${nonFloat.name}" is ${type} (ONNX type ${nonFloat.elemType})`,
        fix: `quantize it with a tool that feeds its real inputs and give the file with --int8 <file> (or put it beside the model as ${stemOf(g.path)}.<precision>.onnx)`,
      };
      o.log(`profile: ${g.name}: ${toMake.join(", ")} skipped: ${skip.reason}`);
      for (const p of toMake) files.push({ path: join(dirname(g.path), `${stemOf(g.path)}.${p}.onnx`), precision: p, model: g.name, skip });
      continue;
    }
    const hash = createHash("sha256")
      .update(await readFile(g.path))
      .digest("hex")
      .slice(0, 8);
    const dir = resolve(o.out, "onnx-quantized", `${stemOf(g.path)}-${hash}`);
    const target = (p: Precision) => join(dir, `${stemOf(g.path)}.${p}.onnx`);
    const absent = toMake.filter((p) => !existsSync(target(p)));
    if (absent.length > 0) {
      o.log(
        `profile: ${g.name}: making ${absent.join(", ")} from ${g.path} (cached in ${dir}); for real calibration images run \`npm run export -- --onnx ${g.path} --calibration <dataset|folder>\` first`,
      );
      try {
        await (o.quantize ? o.quantize(g.path, absent, dir) : defaultQuantize(g.path, absent, dir, o.tuneBatch, o.log));
      } catch (e) {
        throw new Error(`Cannot make precision ${absent.join(", ")} of "${g.path}": ${(e as Error).message}`);
      }
    }
    for (const p of toMake) {
      if (!existsSync(target(p))) throw new Error(`Cannot make precision "${p}" of "${g.path}": the quantizer wrote no ${target(p)}`);
      files.push({ path: target(p), precision: p, model: g.name, ...(await calibrationWarnings(join(dir, `${stemOf(g.path)}.export.json`), p, g.path)) });
    }
  }
  for (const g of given.filter((x) => x.precision !== "fp32" && !o.precisions.includes(x.precision))) {
    throw new Error(
      `"${g.path}" is ${g.precision}, which is not among the requested precisions (${o.precisions.join(", ")}). Add it to --precision or leave the file out.`,
    );
  }
  return files;
}
