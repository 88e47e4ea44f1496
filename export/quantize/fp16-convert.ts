export const ORT_CPU_FP16_OPS = new Set<string>();
export function convertFp16(): never { throw new Error("todo"); }
