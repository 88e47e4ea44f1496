/**
 * Importing and using formats/onnx/onnx-io.ts leaves protobufjs's globals alone (its
 * `util.Long` and the `Reader` int64 methods), while int64 fields still decode as plain
 * numbers and models re-encode to their own bytes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import $protobuf from "protobufjs/minimal.js";

test("onnx-io.ts changes no protobufjs global on import or decode; int64 fields decode as numbers", async () => {
  const long = $protobuf.util.Long;
  const readInt64 = $protobuf.Reader.prototype.int64;
  const readUint64 = $protobuf.Reader.prototype.uint64;
  // imported here, after the globals were recorded (no static import in this file loads it)
  const { decodeOnnx, encodeOnnx } = await import("../formats/onnx/onnx-io.ts");
  const { int64 } = await import("../formats/onnx/onnx-model.ts");
  const unchanged = () => {
    assert.equal($protobuf.util.Long, long, "protobufjs's util.Long was changed");
    assert.equal($protobuf.Reader.prototype.int64, readInt64, "protobufjs's Reader.prototype.int64 was changed");
    assert.equal($protobuf.Reader.prototype.uint64, readUint64, "protobufjs's Reader.prototype.uint64 was changed");
  };
  unchanged();

  const bytes = encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "g",
      node: [
        {
          opType: "Flatten",
          input: ["x"],
          output: ["y"],
          attribute: [
            { name: "axis", i: 1, type: 2 },
            { name: "perm", ints: [0, 2, 1], type: 7 },
          ],
        },
      ],
      initializer: [{ name: "shape", dataType: 7, dims: [3], int64Data: [1, -1, 2 ** 40] }],
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "batch" }, { dimValue: 4 }] } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1 } } }],
    },
  });
  const model = decodeOnnx(bytes, "test");
  unchanged();
  const node = model.graph.node[0];
  const init = model.graph.initializer[0];
  assert.ok(node && init);
  assert.equal(typeof model.irVersion, "number");
  assert.equal(model.irVersion, 8);
  assert.equal(model.opsetImport[0]?.version, 13);
  assert.equal(node.attribute[0]?.i, 1);
  assert.deepEqual(node.attribute[1]?.ints, [0, 2, 1]);
  assert.deepEqual(init.dims, [3]);
  assert.deepEqual(init.int64Data, [1, -1, 2 ** 40]);
  assert.deepEqual(
    model.graph.input[0]?.type?.tensorType?.shape?.dim.map((d) => d.dimValue),
    [null, 4],
  );
  // normalised: absent scalars and lists read as their defaults
  assert.equal(node.name, "");
  assert.equal(node.domain, "");
  assert.deepEqual(model.graph.valueInfo, []);
  // an unset singular int64 is protobufjs's prototype default; int64() reads it as 0
  assert.equal(int64(model.modelVersion), 0);
  assert.deepEqual(encodeOnnx(model), bytes);
  unchanged();
});
