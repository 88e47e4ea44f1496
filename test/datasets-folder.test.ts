import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { loadDataset } from "../datasets/index.ts";

/** Writes a solid-colour `width × height` image; format from the extension. */
async function solid(path: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  const lossless = path.endsWith(".webp") ? image.webp({ lossless: true }) : path.endsWith(".jpg") ? image.jpeg({ quality: 100 }) : image.png();
  await writeFile(path, await lossless.toBuffer());
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "datasets-folder-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Classes "blue" and "red" (sorted), 10 images each, PNG and WebP, various sizes; plus noise files. */
async function makeFolder(dir: string): Promise<void> {
  await mkdir(join(dir, "red"));
  await mkdir(join(dir, "blue"));
  await mkdir(join(dir, ".hidden"));
  for (let i = 0; i < 10; i++) {
    await solid(join(dir, "red", `r${i}.${i % 2 ? "png" : "webp"}`), 6 + i, 4, [255, 0, 0]);
    await solid(join(dir, "blue", `b${i}.PNG`), 4, 5, [0, 0, 255]);
  }
  await writeFile(join(dir, "red", "notes.txt"), "not an image, skipped");
}

test("folder: sorted subfolders are classes; images resized, RGB in [0, 1], seeded per-class test split", async () => {
  await withTempDir(async (dir) => {
    await makeFolder(dir);
    const d = await loadDataset("folder", { dataDir: dir, height: 3, width: 2, seed: 7 });
    assert.deepEqual(d.info.classNames, ["blue", "red"]);
    assert.deepEqual([d.info.height, d.info.width, d.info.channels], [3, 2, 3]);
    assert.deepEqual([d.train.count, d.test.count], [16, 4]);
    assert.equal(d.train.images.length, 16 * 3 * 2 * 3);
    assert.deepEqual([...d.test.labels].sort(), [0, 0, 1, 1]);
    for (const set of [d.train, d.test]) {
      for (let i = 0; i < set.count; i++) {
        const want = set.labels[i] === 0 ? [0, 0, 1] : [1, 0, 0];
        for (let p = 0; p < 6; p++) assert.deepEqual([...set.images.subarray(i * 18 + p * 3, i * 18 + p * 3 + 3)], want);
      }
    }
    const again = await loadDataset("folder", { dataDir: dir, height: 3, width: 2, seed: 7 });
    assert.deepEqual(again.train.labels, d.train.labels);
    assert.deepEqual(again.test.images, d.test.images);
    const other = await loadDataset("folder", { dataDir: dir, height: 3, width: 2, seed: 8 });
    assert.notDeepEqual([...other.train.labels], [...d.train.labels]);
  });
});

test("folder: grey output, limits and a zero test fraction", async () => {
  await withTempDir(async (dir) => {
    await makeFolder(dir);
    await solid(join(dir, "blue", "grey.jpg"), 8, 8, [100, 100, 100]);
    const d = await loadDataset("folder", { dataDir: dir, height: 4, width: 4, channels: 1, testFraction: 0, limit: 21 });
    assert.deepEqual([d.train.count, d.test.count], [21, 0]);
    assert.equal(d.info.channels, 1);
    assert.equal(d.train.images.length, 21 * 16);
    const greyIndex = [...d.train.images].findIndex((v) => Math.abs(v - 100 / 255) < 2 / 255);
    assert.ok(greyIndex >= 0, "the grey JPEG decodes to about 100/255");
    const small = await loadDataset("folder", { dataDir: dir, height: 4, width: 4, limit: 5, testLimit: 1, concurrency: 1 });
    assert.deepEqual([small.train.count, small.test.count], [5, 1]);
  });
});

test("folder: a one-channel PNG gives three equal channels; a 16-bit PNG is scaled to 8 bits", async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, "g"));
    const grey = sharp(Buffer.alloc(16, 77), { raw: { width: 4, height: 4, channels: 1 } });
    await writeFile(join(dir, "g", "a.png"), await grey.png().toBuffer());
    const deep = sharp(Buffer.alloc(16, 200), { raw: { width: 4, height: 4, channels: 1 } });
    await writeFile(join(dir, "g", "b.png"), await deep.toColourspace("grey16").png().toBuffer());
    const d = await loadDataset("folder", { dataDir: dir, height: 2, width: 2, testFraction: 0 });
    assert.deepEqual(
      [...d.train.images],
      [...Array<number>(12).fill(77), ...Array<number>(12).fill(200)].map((v) => Math.fround(v / 255)),
    );
  });
});

test("folder errors: no --data-dir, missing folder, no class subfolders, empty classes, undecodable image", async () => {
  await assert.rejects(loadDataset("folder", {}), {
    message:
      "The folder dataset has no default location: pass --data-dir with a folder that has one subfolder per class holding .jpg, .jpeg, .png or .webp images",
  });
  await withTempDir(async (dir) => {
    const missing = join(dir, "nope");
    await assert.rejects(loadDataset("folder", { dataDir: missing }), {
      message: `"${missing}": folder not found. Pass --data-dir with a folder that has one subfolder per class`,
    });
    await writeFile(join(dir, "loose.png"), "x");
    await assert.rejects(loadDataset("folder", { dataDir: dir }), {
      name: "DatasetError",
      message: `"${dir}": no class subfolders; expected one subfolder per class holding .jpg, .jpeg, .png or .webp images (e.g. ${join(dir, "cat", "001.jpg")})`,
    });
    await mkdir(join(dir, "cat"));
    await mkdir(join(dir, "dog"));
    await assert.rejects(loadDataset("folder", { dataDir: dir }), {
      message: `"${dir}": no images in its class subfolders; expected one subfolder per class holding .jpg, .jpeg, .png or .webp images`,
    });
    await solid(join(dir, "cat", "1.png"), 4, 4, [1, 2, 3]);
    await assert.rejects(loadDataset("folder", { dataDir: dir }), {
      message: `"${dir}": class subfolders without images: dog; add .jpg, .jpeg, .png or .webp images or remove those folders`,
    });
    const broken = join(dir, "dog", "broken.jpg");
    await writeFile(broken, "this is not a JPEG");
    await assert.rejects(loadDataset("folder", { dataDir: dir, testFraction: 0 }), {
      name: "DatasetError",
      message: `"${broken}": cannot decode image (Input file contains unsupported image format). Remove or replace the file`,
    });
  });
});
