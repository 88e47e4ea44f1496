import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CIFAR10_CLASS_NAMES, loadDataset } from "../datasets/index.ts";

/** One CIFAR-10 record whose pixel p of channel c is (p + 7c + seed) mod 256. */
function record(label: number, seed: number): Buffer {
  const r = Buffer.alloc(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[1 + c * 1024 + p] = (p + 7 * c + seed) % 256;
  return r;
}

const FILES = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

async function withCifarDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "datasets-cifar-"));
  try {
    // Batch i holds two records: labels i and 9 - i, seeds 10i and 10i + 1.
    for (const [i, name] of FILES.entries()) {
      await writeFile(join(dir, name), Buffer.concat([record(i, 10 * i), record(9 - i, 10 * i + 1)]));
    }
    await writeFile(join(dir, "test_batch.bin"), record(3, 99));
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("cifar10 reads every batch in order and converts channel-planar bytes to NHWC v/255", async () => {
  await withCifarDir(async (dir) => {
    const d = await loadDataset("cifar10", { dataDir: dir });
    assert.deepEqual([d.info.height, d.info.width, d.info.channels], [32, 32, 3]);
    assert.deepEqual(d.info.classNames, CIFAR10_CLASS_NAMES);
    assert.deepEqual([d.train.count, d.test.count], [10, 1]);
    assert.deepEqual([...d.train.labels], [0, 9, 1, 8, 2, 7, 3, 6, 4, 5]);
    assert.deepEqual([...d.test.labels], [3]);
    // Image 3 = batch 2's second record, seed 11; pixel p channel c at (3*1024 + p)*3 + c.
    for (const [p, c] of [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [33, 2],
      [1023, 1],
    ] as const) {
      assert.equal(d.train.images[(3 * 1024 + p) * 3 + c], Math.fround(((p + 7 * c + 11) % 256) / 255));
    }
    assert.equal(d.test.images[5 * 3 + 2], Math.fround(((5 + 14 + 99) % 256) / 255));
    const limited = await loadDataset("cifar10", { dataDir: dir, limit: 3, testLimit: 0 });
    assert.deepEqual([limited.train.count, limited.test.count], [3, 0]);
    assert.deepEqual([...limited.train.labels], [0, 9, 1]);
  });
});

test("cifar10 takes class names from batches.meta.txt when present", async () => {
  await withCifarDir(async (dir) => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    await writeFile(join(dir, "batches.meta.txt"), `${names.join("\n")}\n\n`);
    assert.deepEqual((await loadDataset("cifar10", { dataDir: dir, limit: 1 })).info.classNames, names);
    const meta = join(dir, "batches.meta.txt");
    await writeFile(meta, "a\nb\n");
    await assert.rejects(loadDataset("cifar10", { dataDir: dir }), {
      message: `"${meta}": expected 10 class names, one a line, found 2. Fix or delete the file (the standard names are used without it)`,
    });
  });
});

test("cifar10 errors: no --data-dir, missing batches, bad record size, bad label", async () => {
  await assert.rejects(loadDataset("cifar10", {}), {
    message:
      "cifar10 has no default location: pass --data-dir with the folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version, cifar-10-batches-bin)",
  });
  await withCifarDir(async (dir) => {
    const bad = join(dir, "data_batch_2.bin");
    await writeFile(bad, Buffer.concat([record(1, 0), Buffer.from([1, 2])]));
    await assert.rejects(loadDataset("cifar10", { dataDir: dir }), {
      message: `"${bad}": size 3075 bytes is not a multiple of the CIFAR-10 record size 3073 (1 label byte + 3072 pixel bytes). Use the CIFAR-10 binary version (not the Python or CIFAR-100 one), and re-download a truncated file`,
    });
    await writeFile(bad, record(10, 0));
    await assert.rejects(loadDataset("cifar10", { dataDir: dir }), {
      message: `"${bad}": label 10 of record 0 is outside 0..9`,
    });
    await unlink(join(dir, "data_batch_3.bin"));
    await unlink(join(dir, "test_batch.bin"));
    await assert.rejects(loadDataset("cifar10", { dataDir: dir }), {
      name: "DatasetError",
      message: `cifar10: "${dir}" lacks data_batch_3.bin, test_batch.bin. Pass --data-dir with the folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version, cifar-10-batches-bin)`,
    });
  });
});
