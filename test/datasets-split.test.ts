import { test } from "node:test";
import assert from "node:assert/strict";
import { sliceSet, takeBatch, takeFirst, validationSplit, type ImageSet } from "../datasets/index.ts";

/** `count` images of 2 floats each: image i holds [i, i + 0.5], label i mod 3. */
function numbered(count: number): ImageSet {
  const images = new Float32Array(count * 2);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images[2 * i] = i;
    images[2 * i + 1] = i + 0.5;
    labels[i] = i % 3;
  }
  return { images, labels, count };
}

test("validationSplit: sizes, disjoint parts covering the set, original order kept, same seed same split", () => {
  const set = numbered(100);
  const { train, val } = validationSplit(set, 0.15, 42);
  assert.deepEqual([train.count, val.count], [85, 15]);
  assert.equal(train.images.length, 170);
  const ids = (s: ImageSet) => Array.from({ length: s.count }, (_, i) => s.images[2 * i]!);
  const all = [...ids(train), ...ids(val)].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.deepEqual(
    ids(val),
    [...ids(val)].sort((a, b) => a - b),
  );
  for (let i = 0; i < val.count; i++) {
    assert.equal(val.images[2 * i + 1], val.images[2 * i]! + 0.5);
    assert.equal(val.labels[i], val.images[2 * i]! % 3);
  }
  const again = validationSplit(set, 0.15, 42);
  assert.deepEqual(ids(again.val), ids(val));
  assert.notDeepEqual(ids(validationSplit(set, 0.15, 43).val), ids(val));
  assert.deepEqual(validationSplit(set, 0, 1).val.count, 0);
  assert.deepEqual(validationSplit(numbered(7), 0.5, 1).val.count, 4);
});

test("validationSplit rejects a fraction outside [0, 1)", () => {
  assert.throws(() => validationSplit(numbered(4), 1, 1), {
    name: "RangeError",
    message: "Invalid validation fraction 1: expected a number in [0, 1)",
  });
});

test("takeBatch copies the indexed images into a reused buffer and returns the count", () => {
  const set = numbered(10);
  const out = { images: new Float32Array(3 * 2), labels: new Int32Array(3) };
  const order = [9, 2, 5, 0, 7];
  assert.equal(takeBatch(set, order, 0, out), 3);
  assert.deepEqual([...out.images], [9, 9.5, 2, 2.5, 5, 5.5]);
  assert.deepEqual([...out.labels], [0, 2, 2]);
  assert.equal(takeBatch(set, order, 3, out), 2);
  assert.deepEqual([...out.images.subarray(0, 4)], [0, 0.5, 7, 7.5]);
  assert.deepEqual([...out.labels.subarray(0, 2)], [0, 1]);
  assert.equal(takeBatch(set, order, 5, out), 0);
  assert.throws(() => takeBatch(set, [10], 0, out), { message: "Image index 10 is outside 0..9" });
});

test("sliceSet copies in the given order; takeFirst views the first images", () => {
  const set = numbered(5);
  const s = sliceSet(set, [4, 1]);
  assert.deepEqual([...s.images], [4, 4.5, 1, 1.5]);
  assert.deepEqual([...s.labels], [1, 1]);
  const first = takeFirst(set, 2);
  assert.equal(first.count, 2);
  assert.deepEqual([...first.images], [0, 0.5, 1, 1.5]);
  assert.equal(takeFirst(set, undefined), set);
  assert.equal(takeFirst(set, 9), set);
});
