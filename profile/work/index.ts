/** Work per inference from the ONNX graph: shape inference, per-node counts, model totals. */
export { inferShapes, broadcast, windowOut, type Dims, type ShapeMap } from "./tensor-shapes.ts";
export { countNodeWork, ELEM_BYTES, type NodeWork } from "./node-work.ts";
export { modelWork, summarizeWork, ModelWorkSchema, FamilyWorkSchema, type ModelWork, type FamilyWork } from "./model-work.ts";
export { opFamily, OP_FAMILIES, type OpFamily } from "./op-costs.ts";
