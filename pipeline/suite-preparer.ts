/**
 * The profile stage's {@link SuitePreparer}: `--onnx` files are taken as they are (a requested
 * precision they lack is quantized by the export stage, see `onnx-precisions.ts`); zoo models
 * (`--models` on `--dataset`) are trained and exported when their files are missing
 * (`suite-models.ts`, with `--epochs` and `--data-dir`).
 */
import type { ResolvedProfileOptions } from "../formats/options/profile-options.ts";
import type { SuiteFile, SuitePreparer } from "../profile/index.ts";
import { onnxSuiteFiles } from "./onnx-precisions.ts";
import { checkZooModels, prepareZooModels } from "./suite-models.ts";

/** The files of a fresh run: the `--onnx` files (and the precisions made of them), else the zoo models' exported files. */
async function planFiles(o: ResolvedProfileOptions): Promise<SuiteFile[]> {
  if (o.onnx.length > 0)
    return onnxSuiteFiles({ onnx: o.onnx, precisions: o.precisions, int8: o.int8, out: o.out, tuneBatch: Math.max(...o.batches), log: o.log });
  return prepareZooModels({
    models: o.models,
    dataset: o.dataset,
    precisions: o.precisions,
    out: o.out,
    epochs: o.epochs,
    dataDir: o.dataDir,
    progress: o.progress,
    log: o.log,
    tuneBatch: Math.max(...o.batches),
  });
}

/** Trains, exports and quantizes what a profile run needs; pass it to `runProfile` (cli/profile-command.ts does). */
export const suitePreparer: SuitePreparer = {
  async check(o) {
    if (o.onnx.length === 0) await checkZooModels(o.models);
  },
  files: planFiles,
};
