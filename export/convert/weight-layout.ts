/** Weight re-layouts from tfjs (channels-last) to ONNX (channels-first) conventions. */

/** Conv2D kernel `[kh, kw, in, out]` (HWIO) → ONNX `[out, in, kh, kw]` (OIHW). */
export function hwioToOihw(data: Float32Array, shape: readonly number[]): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, cout] = dims4(shape);
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) out[((o * cin + c) * kh + i) * kw + j] = data[((i * kw + j) * cin + c) * cout + o]!;
  return { data: out, dims: [cout, cin, kh, kw] };
}

/**
 * DepthwiseConv2D kernel `[kh, kw, in, multiplier]` → grouped-conv weight `[in·multiplier, 1, kh, kw]`;
 * output channel `c·multiplier + m` reads input channel `c`, the order tfjs produces.
 */
export function depthwiseToGroupedOihw(data: Float32Array, shape: readonly number[]): { data: Float32Array; dims: number[] } {
  const [kh, kw, cin, multiplier] = dims4(shape);
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let m = 0; m < multiplier; m++) {
          out[((c * multiplier + m) * kh + i) * kw + j] = data[((i * kw + j) * cin + c) * multiplier + m]!;
        }
  return { data: out, dims: [cin * multiplier, 1, kh, kw] };
}

/**
 * Dense kernel rows `[h·w·c, units]` in tfjs's flatten order (row, column, channel) →
 * rows in NCHW flatten order (channel, row, column), so the Dense can read an ONNX
 * Flatten of an NCHW tensor directly.
 */
export function permuteDenseRowsHwcToChw(kernel: Float32Array, units: number, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < height; h++)
    for (let w = 0; w < width; w++)
      for (let c = 0; c < channels; c++) {
        const from = ((h * width + w) * channels + c) * units;
        const to = ((c * height + h) * width + w) * units;
        out.set(kernel.subarray(from, from + units), to);
      }
  return out;
}

function dims4(shape: readonly number[]): [number, number, number, number] {
  const [a, b, c, d] = shape;
  if (shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`Expected a rank-4 kernel, got shape [${shape.join(", ")}]`);
  }
  return [a, b, c, d];
}
