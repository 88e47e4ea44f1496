/**
 * TensorFlow's padding arithmetic made explicit, so ONNX nodes carry exact pads instead of
 * `auto_pad` (whose SAME_UPPER matches TF only by convention and not in every runtime).
 */

/**
 * Pads `[before, after]` (pixels) TF adds along one spatial axis.
 * `same`: output = ceil(input / stride), total = max((output − 1)·stride + effectiveKernel − input, 0),
 * before = floor(total / 2), after = total − before (the extra pixel goes after, e.g. for even kernels).
 * `valid`: no padding.
 */
export function tfPadding(mode: "valid" | "same", inputSize: number, kernel: number, stride: number, dilation = 1): [number, number] {
  if (mode === "valid") return [0, 0];
  const effectiveKernel = (kernel - 1) * dilation + 1;
  const outputSize = Math.ceil(inputSize / stride);
  const total = Math.max((outputSize - 1) * stride + effectiveKernel - inputSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * ONNX `pads` for a 2-D window op over an NHWC tfjs input shape `[batch, h, w, c]`:
 * `[top, left, bottom, right]`.
 */
export function onnxPads2d(
  mode: "valid" | "same",
  inputShape: readonly (number | null)[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number] = [1, 1],
): number[] {
  const height = inputShape[1];
  const width = inputShape[2];
  if (mode === "same" && (typeof height !== "number" || typeof width !== "number")) {
    throw new Error(`"same" padding needs a known spatial input size, got shape [${inputShape.join(", ")}]`);
  }
  const [top, bottom] = tfPadding(mode, height ?? 0, kernel[0], strides[0], dilations[0]);
  const [left, right] = tfPadding(mode, width ?? 0, kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}
