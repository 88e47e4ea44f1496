export function quantizeDynamic(): never { throw new Error("todo"); }
