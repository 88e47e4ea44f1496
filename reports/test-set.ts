/** Loads a dataset's test split for the report (lazily: plain ONNX runs never load the readers). */
import type { ImageSet } from "../formats/dataset.ts";

/** A test split with its class names. */
export interface TestSet {
  readonly test: ImageSet;
  readonly classNames: readonly string[];
  /** Image shape of the split [height, width, channels] (models may take another size: resize with `toModelInput`). */
  readonly shape: readonly [number, number, number];
}

/** Loads the first `limit` test images of dataset `name` (`dataDir` as the run used it; `seed`: the model's training seed, which a folder's test split and the synthetic images depend on; default 1). */
export async function loadTestSet(name: string, limit: number, dataDir: string | null | undefined, seed?: number): Promise<TestSet> {
  const { loadNamedDataset } = await import("../datasets/index.ts");
  const set = await loadNamedDataset(name, { limit: 1, testLimit: limit, seed, ...(dataDir != null ? { dataDir } : {}) });
  return { test: set.test, classNames: set.info.classNames, shape: [set.info.height, set.info.width, set.info.channels] };
}
