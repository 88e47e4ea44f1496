/**
 * GPU rows split into compute and transfer: each precision is also timed, in the same paired
 * window, as a **device-resident** copy of its model, where every float input is made on the
 * device (`Expand` of a `[1]` seed to the input's shape, fed as a small int64 tensor) and
 * every float output is summed to a scalar there. Such a run moves a few bytes over the host
 * link, so its time is the model's on-device time plus launch; the end-to-end row minus it
 * is the transfer (upload, readback, synchronisation). Written once for every
 * onnxruntime-node EP: CUDA refuses outputs kept on the GPU in onnxruntime-node, and its
 * per-kernel profile times launches, not kernels.
 */
import type { onnx } from "../formats/onnx/onnx-io.ts";
import type { OnnxModel, OnnxValueInfo } from "../formats/onnx/onnx-model.ts";

/** The device-resident variant of a precision in a paired child's records: `fp32@device`. */
export function deviceVariant(precision: string): string {
  return `${precision}@device`;
}

/** EPs whose rows get the split (a GPU behind a host link). */
export const DEVICE_SPLIT_EPS: readonly string[] = ["cuda", "webgpu"];

/** Whether `ep`'s paired children time the device-resident copies: a GPU EP on a real (not software) adapter. */
export function deviceSplitApplies(ep: string, softwareAdapter: boolean): boolean {
  return DEVICE_SPLIT_EPS.includes(ep) && !softwareAdapter;
}

const FLOATS = new Set([1, 10]); // FLOAT, FLOAT16

function elemTypeOf(v: OnnxValueInfo): number {
  return v.type?.tensorType?.elemType ?? 0;
}

/** The names of the seed and shape inputs that replace a model input. */
export function residentInputs(name: string): { seed: string; shape: string } {
  return { seed: `${name}__seed`, shape: `${name}__shape` };
}

/**
 * The device-resident copy of `model`, or why it cannot have one (an input that is not a
 * float: token ids cannot be made by `Expand` and keep their meaning; weights kept in external files).
 */
export function deviceResidentModel(model: OnnxModel): onnx.IModelProto | { reason: string } {
  const g = model.graph;
  const inits = new Set(g.initializer.map((t) => t.name));
  if (g.initializer.some((t) => t.dataLocation === 1)) return { reason: "its weights are in external data files" };
  const inputs = g.input.filter((v) => !inits.has(v.name));
  const bad = inputs.find((v) => !FLOATS.has(elemTypeOf(v)));
  if (bad) return { reason: `input "${bad.name}" is not a float tensor (element type ${elemTypeOf(bad)})` };
  if (inputs.length === 0) return { reason: "it has no inputs" };
  const newInputs: onnx.IValueInfoProto[] = inputs.flatMap((v) => {
    const { seed, shape } = residentInputs(v.name);
    const rank = v.type?.tensorType?.shape?.dim.length ?? 4;
    return [
      { ...v, name: seed, type: { tensorType: { elemType: elemTypeOf(v), shape: { dim: [{ dimValue: 1 }] } } } },
      { ...v, name: shape, type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: rank }] } } } },
    ];
  });
  const expands = inputs.map((v) => ({
    opType: "Expand",
    name: `${v.name}__expand`,
    input: [residentInputs(v.name).seed, residentInputs(v.name).shape],
    output: [v.name],
  }));
  const sums = g.output.map((o) =>
    FLOATS.has(elemTypeOf(o))
      ? {
          node: {
            opType: "ReduceSum",
            name: `${o.name}__reduce`,
            input: [o.name],
            output: [`${o.name}__sum`],
            attribute: [{ name: "keepdims", i: 0, type: 2 }],
          },
          out: { ...o, name: `${o.name}__sum`, type: { tensorType: { elemType: elemTypeOf(o), shape: { dim: [] } } } },
        }
      : { node: undefined, out: o },
  );
  const graph: onnx.IGraphProto = {
    ...g,
    input: [...newInputs, ...g.input.filter((v) => inits.has(v.name))],
    output: sums.map((s) => s.out),
    node: [...expands, ...g.node, ...sums.flatMap((s) => (s.node ? [s.node] : []))],
  };
  return { ...model, graph } as onnx.IModelProto;
}
