/**
 * The INT8 tuner's candidates: sets of nodes kept float, derived from the FP32 graph alone.
 * Each is a recipe a human would try on this kind of model: every node in int8 (ONNX
 * Runtime's default recipe), the image-input Convs float (few input channels, where ORT's
 * QLinearConv is slower than its fp32 Conv), the first and/or last weighted layer float,
 * one weighted op type float, and (when given) the nodes the per-op profile found slower in
 * int8 than in fp32. Identical sets are merged; the all-float set is never one.
 */
import type { onnx } from "../../formats/onnx/onnx-io.ts";
import { inputAt, outputAt } from "../../formats/onnx/onnx-model.ts";
import { cloneModel, GraphView } from "../../formats/onnx/graph-view.ts";
import { handlerOf } from "../quantize/op-handlers.ts";
import { nodeKey } from "../quantize/static-quantize.ts";

/** One candidate node set. */
export interface Int8Candidate {
  /** Short name, e.g. `all`, `image-convs-float`. */
  readonly name: string;
  /** What it keeps float, in words. */
  readonly description: string;
  /** Node key (name, else first output) → why it is kept float. */
  readonly floatNodes: ReadonlyMap<string, string>;
}

/** The candidate every other is compared with: every node the op table allows in int8. */
export const ALL_NODES = "all";

/** Convs with fewer input channels per group than this are "image-input" Convs. */
export const FEW_CHANNELS = 4;

interface WeightedNode {
  readonly key: string;
  /** Names ORT may give this node's kernel a prefix of: its name, its outputs, the output of a sole activation consumer it fuses. */
  readonly aliases: readonly string[];
  readonly opType: string;
  /** Input channels per group (Conv), else undefined. */
  readonly inputChannels: number | undefined;
}

/** Activations ORT fuses into the Conv/Gemm before them (the fused kernel is named after the activation's output). */
const FUSABLE_ACTIVATIONS = new Set(["Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid"]);

/** Alias → node key of every weighted node (see {@link weightedNodes}). */
export function kernelAliases(model: onnx.IModelProto): Map<string, string> {
  return new Map(weightedNodes(model).flatMap((n) => n.aliases.map((a): [string, string] => [a, n.key])));
}

/** The weighted nodes (Conv, Gemm, MatMul) of a float model, in graph order. */
export function weightedNodes(model: onnx.IModelProto): WeightedNode[] {
  const view = new GraphView(cloneModel(model).graph);
  return view.nodes
    .filter((n) => handlerOf(n)?.kind === "weighted")
    .map((n) => {
      const w = view.constFloat(inputAt(n, 1));
      const out = outputAt(n, 0);
      const users = view.consumersOf(out);
      const sole = users.length === 1 ? users[0] : undefined;
      const act = sole && FUSABLE_ACTIVATIONS.has(sole.opType) ? sole.output : [];
      return {
        key: nodeKey(n),
        aliases: [n.name, ...n.output, ...act].filter(Boolean),
        opType: n.opType,
        inputChannels: n.opType === "Conv" ? w?.dims[1] : undefined,
      };
    });
}

/**
 * The candidate sets for a model, `all` first, at most `max` of them (default 8); `slowInInt8`
 * (node keys from `op-profile-hints.ts`) adds `profile-slow-float` second. A model without
 * weighted nodes gets `all` alone.
 */
export function int8Candidates(model: onnx.IModelProto, max = 8, slowInInt8: readonly string[] = []): Int8Candidate[] {
  const nodes = weightedNodes(model);
  const out: Int8Candidate[] = [];
  const seen = new Set<string>();
  const add = (name: string, description: string, keep: readonly WeightedNode[], reason: string): void => {
    const id = keep
      .map((n) => n.key)
      .sort()
      .join("|");
    if (seen.has(id) || (keep.length === nodes.length && nodes.length > 0) || out.length >= max) return;
    seen.add(id);
    out.push({ name, description, floatNodes: new Map(keep.map((n) => [n.key, `kept float by the tuned recipe "${name}": ${reason}`])) });
  };
  add(ALL_NODES, "every node the op table allows in int8 (ONNX Runtime's default recipe)", [], "");
  const slow = nodes.filter((n) => slowInInt8.includes(n.key));
  add(
    "profile-slow-float",
    "the weighted nodes whose int8 kernel the per-op profile found slower than their fp32 one float",
    slow,
    "its int8 kernel was slower than its fp32 one in the per-op profile",
  );
  const few = nodes.filter((n) => n.opType === "Conv" && (n.inputChannels ?? FEW_CHANNELS) < FEW_CHANNELS);
  add("image-convs-float", `Convs with fewer than ${FEW_CHANNELS} input channels float`, few, `Conv with fewer than ${FEW_CHANNELS} input channels`);
  const first = nodes.slice(0, 1);
  const last = nodes.slice(-1);
  add("first-float", "the first weighted layer float", first, "first weighted layer");
  add("last-float", "the last weighted layer float", last, "last weighted layer");
  add("first-last-float", "the first and last weighted layers float", [...first, ...last.filter((n) => !first.includes(n))], "first or last weighted layer");
  add(
    "image-convs-last-float",
    `Convs with fewer than ${FEW_CHANNELS} input channels and the last weighted layer float`,
    [...few, ...last.filter((n) => !few.includes(n))],
    "image-input Conv or last weighted layer",
  );
  for (const op of [...new Set(nodes.map((n) => n.opType))]) {
    add(
      `${op.toLowerCase()}-float`,
      `every ${op} float`,
      nodes.filter((n) => n.opType === op),
      `${op} kept float`,
    );
  }
  return out;
}
