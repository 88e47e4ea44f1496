/**
 * Dynamic quantization, as ONNX Runtime's `quantize_dynamic` builds it: int8 symmetric
 * weights stored in the file (per output channel), activations quantized at run time by
 * DynamicQuantizeLinear (uint8), then MatMulInteger / ConvInteger, Cast to float and a
 * Mul by (activation scale × weight scale). ORT's CPU EP fuses the MatMul pattern into
 * DynamicQuantizeMatMul / MatMulIntegerToFloat; ConvInteger runs as is (int8 weights OK in 1.30).
 */
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { inputAt, makeAttribute, makeNode, type OnnxModel, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { attrFloat, attrInt, cloneModel, GraphView, inferElemTypes, topoSort } from "../../formats/onnx/graph-view.ts";
import { defaultOpset, upgradeOpset } from "./opset-upgrade.ts";
import type { QuantReport } from "./options.ts";
import { floatReport } from "./report.ts";
import { DT, float32Of, floatTensor, numel } from "../../formats/onnx/tensor-data.ts";
import { emitInt8Weight, zeroPointInit } from "./weight-emit.ts";

/** DynamicQuantizeLinear outputs for one float activation (shared by its consumers). */
interface DynamicInput {
  readonly q: string;
  readonly scale: string;
  readonly zeroPoint: string;
}

/**
 * Dynamically quantizes Conv (ConvInteger), MatMul and Gemm (MatMulInteger) nodes with
 * constant weights. Raises the opset to 11 when needed (DynamicQuantizeLinear) and safe.
 * Never throws for an unsupported graph: the rest stays float and the report says why.
 */
export function quantizeDynamic(model: onnx.IModelProto): { model: OnnxModel; report: QuantReport } {
  const out = cloneModel(model);
  const view = new GraphView(out.graph);
  const up = upgradeOpset(out, view, Math.max(11, defaultOpset(out)));
  if (!up.ok) return { model: cloneModel(model), report: floatReport(view, new Map(), up.reason) };
  view.reindex();
  const originalNodes = [...view.nodes];
  const types = inferElemTypes(view);
  const reasons = new Map<OnnxNode, string>();
  const quantized: OnnxNode[] = [];
  const dynamicInputs = new Map<string, DynamicInput>();

  const dynamicInput = (x: string): DynamicInput => {
    const known = dynamicInputs.get(x);
    if (known) return known;
    const d = { q: view.fresh(`${x}_qv`), scale: view.fresh(`${x}_s`), zeroPoint: view.fresh(`${x}_zp`) };
    view.nodes.push(
      makeNode({ opType: "DynamicQuantizeLinear", name: view.fresh(`${x}_DynamicQuantizeLinear`), input: [x], output: [d.q, d.scale, d.zeroPoint] }),
    );
    dynamicInputs.set(x, d);
    return d;
  };

  for (const n of originalNodes) {
    const op = n.opType;
    if (n.domain !== "" || !["Conv", "MatMul", "Gemm"].includes(op)) {
      reasons.set(n, `${op} has no integer kernel used by dynamic quantization (only Conv, MatMul, Gemm are quantized)`);
      continue;
    }
    const x = inputAt(n, 0);
    const wName = inputAt(n, 1);
    const wc = view.constFloat(wName);
    if (!wc) {
      reasons.set(n, `weight "${wName}" is not a constant`);
      continue;
    }
    if (types.get(x) !== DT.FLOAT || view.isConst(x)) {
      reasons.set(n, `input "${x}" is not a float activation`);
      continue;
    }
    if (op !== "Conv" && wc.dims.length !== 2) {
      reasons.set(n, `${op} weight rank ${wc.dims.length}, expected 2`);
      continue;
    }
    if (op === "Gemm" && (attrInt(n, "transA", 0) !== 0 || attrFloat(n, "alpha", 1) !== 1)) {
      reasons.set(n, "Gemm with transA or alpha ≠ 1 is left float");
      continue;
    }
    const b = n.input[2];
    if (b && op !== "MatMul" && !view.constFloat(b) && (op === "Conv" || attrFloat(n, "beta", 1) !== 1)) {
      reasons.set(n, `bias "${b}" is not a constant`);
      continue;
    }
    const y = outputAt(n, 0);
    const d = dynamicInput(x);
    const transB = op === "Gemm" && attrInt(n, "transB", 0) === 1;
    const axis = op === "Conv" ? 0 : 1;
    const w = emitInt8Weight(view, wName, wc, axis, transB);
    const channels = w.scales.length;
    // weight scales shaped to broadcast against the integer output
    const scaleDims = op === "Conv" ? [1, channels, ...new Array<number>(Math.max(0, wc.dims.length - 2)).fill(1)] : [channels];
    const wScale = view.addInitializer(floatTensor(view.fresh(`${wName}_s`), scaleDims, w.scales));
    const wZp = zeroPointInit(view, `${wName}_zp`, DT.INT8, op === "Conv" ? [0] : new Array<number>(channels).fill(0));
    const integer = view.fresh(`${y}_integer`);
    if (op === "Conv") {
      const attrs = n.attribute.filter((a) => ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"].includes(a.name));
      view.nodes.push(
        makeNode({
          opType: "ConvInteger",
          name: view.fresh(`${n.name || y}_ConvInteger`),
          input: [d.q, w.quantName, d.zeroPoint, wZp],
          output: [integer],
          attribute: attrs,
        }),
      );
    } else {
      view.nodes.push(
        makeNode({ opType: "MatMulInteger", name: view.fresh(`${n.name || y}_MatMulInteger`), input: [d.q, w.quantName, d.zeroPoint, wZp], output: [integer] }),
      );
    }
    const scales = view.fresh(`${y}_scales`);
    const asFloat = view.fresh(`${y}_integer_float`);
    const bias = biasInput(view, n, op, channels, wc.dims.length);
    const scaled = bias ? view.fresh(`${y}_no_bias`) : y;
    view.nodes.push(
      makeNode({ opType: "Mul", name: view.fresh(`${y}_scales_mul`), input: [d.scale, wScale], output: [scales] }),
      makeNode({
        opType: "Cast",
        name: view.fresh(`${y}_cast`),
        input: [integer],
        output: [asFloat],
        attribute: [makeAttribute({ name: "to", i: DT.FLOAT, type: onnx.AttributeProto.AttributeType.INT })],
      }),
      makeNode({ opType: "Mul", name: view.fresh(`${y}_output_scale_mul`), input: [asFloat, scales], output: [scaled] }),
    );
    if (bias) view.nodes.push(makeNode({ opType: "Add", name: view.fresh(`${y}_bias_add`), input: [scaled, bias], output: [y] }));
    view.graph.node = view.nodes.filter((m) => m !== n);
    quantized.push(n);
  }
  view.pruneUnused();
  topoSort(view.graph);
  return { model: out, report: floatReport(view, reasons, undefined, quantized, originalNodes) };
}

/** The bias to add after the integer op (Conv bias reshaped to [1, C, 1…]; Gemm C × beta), if any. */
function biasInput(view: GraphView, n: OnnxNode, op: string, channels: number, rank: number): string | undefined {
  const b = n.input[2];
  if (!b || op === "MatMul") return undefined;
  const bc = view.constFloat(b);
  if (op === "Conv") {
    if (!bc) return undefined; // checked by the caller
    const dims = [1, channels, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
    return view.addInitializer(floatTensor(view.fresh(`${b}_reshaped`), dims, float32Of(bc).slice()));
  }
  const beta = attrFloat(n, "beta", 1);
  if (beta === 1) return b;
  if (!bc) return undefined;
  const data = float32Of(bc).map((v) => v * beta);
  return view.addInitializer(floatTensor(view.fresh(`${b}_times_beta`), bc.dims.length ? bc.dims : [numel(bc.dims)], data));
}
