/** Conversion of 8-bit pixel values to float32 in [0, 1]. */

/** `UNIT_FLOATS[v]` is `v / 255` rounded to float32, for every byte value `v`. */
const UNIT_FLOATS: Float32Array = (() => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  return table;
})();

/**
 * Converts bytes (0–255) to float32 in [0, 1] (`v / 255`), with a plain table-lookup loop.
 * @param src Pixel bytes.
 * @param out Destination; written from `outOffset` for `src.length` values.
 * @param outOffset First index written in `out` (default 0).
 */
export function bytesToUnitFloats(src: Uint8Array, out: Float32Array, outOffset = 0): void {
  const n = src.length;
  const table = UNIT_FLOATS;
  for (let i = 0; i < n; i++) out[outOffset + i] = table[src[i]!]!;
}

/** The float32 value a byte `v` (0–255) converts to: `v / 255`. */
export function unitFloat(v: number): number {
  return UNIT_FLOATS[v & 255]!;
}
