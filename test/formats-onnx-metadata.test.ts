/** formats/onnx/onnx-metadata.ts: harness metadata round-trips and is validated by its zod schema. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromCustomMetadata, fromMetadataProps, toMetadataProps, type HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";

const META: HarnessMetadata = {
  model: "lenet",
  dataset: "mnist",
  layout: "NCHW",
  inputShape: [1, 28, 28],
  scale: 1 / 255,
  offset: 0,
  classNames: ["0", "1"],
  precision: "int8",
};

/** The props of {@link META} with `key` set to the JSON text `value` (undefined: removed). */
function propsWith(key: string, value: string | undefined) {
  const props = toMetadataProps(META).filter((p) => p.key !== `harness.${key}`);
  return value === undefined ? props : [...props, { key: `harness.${key}`, value }];
}

describe("harness metadata", () => {
  it("round-trips through metadata_props and the session's custom metadata map", () => {
    const props = toMetadataProps(META);
    assert.deepEqual(fromMetadataProps(props), META);
    assert.deepEqual(fromCustomMetadata(Object.fromEntries(props.map((p) => [p.key!, p.value!]))), META);
  });

  it("is undefined for a foreign model (no harness.* keys)", () => {
    assert.equal(fromMetadataProps([{ key: "producer", value: "x" }]), undefined);
    assert.equal(fromMetadataProps(undefined), undefined);
  });

  it("reads older exports without offset", () => {
    const older = fromMetadataProps(propsWith("offset", undefined));
    assert.equal(older?.offset, undefined);
    assert.deepEqual({ ...older, offset: 0 }, META);
  });

  it("names the bad field", () => {
    assert.throws(() => fromMetadataProps(propsWith("inputShape", '"1x28x28"'), "m.onnx"), {
      message: 'Invalid harness metadata in "m.onnx": harness.inputShape: Invalid input: expected array, received string',
    });
    assert.throws(() => fromMetadataProps(propsWith("precision", '"int4"'), "m.onnx"), {
      message: 'Invalid harness metadata in "m.onnx": harness.precision: Invalid option: expected one of "fp32"|"int8"|"int8-all"|"int8-dynamic"|"fp16"',
    });
    assert.throws(() => fromMetadataProps(propsWith("model", undefined), "m.onnx"), {
      message: 'Invalid harness metadata in "m.onnx": harness.model: Invalid input: expected string, received undefined',
    });
    assert.throws(() => fromMetadataProps(propsWith("scale", "{oops"), "m.onnx"), {
      message: /^Invalid harness metadata in "m.onnx": harness\.scale: not JSON \(/,
    });
  });
});
