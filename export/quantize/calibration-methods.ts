/**
 * Range selection from calibration statistics: min/max, percentile of |x| and entropy
 * (KL divergence, TensorRT/ORT style). Pure functions on histograms; no ORT here.
 */

/** Number of histogram bins for percentile and entropy calibration. */
export const HISTOGRAM_BINS = 2048;
/**
 * Number of quantized levels the entropy method compares against: 256 (8 bits) over the
 * two-sided range [−t, t]. (ORT's default of 128 over the two-sided histogram models 7 bits
 * and makes every candidate narrower than 128 bins per side look lossless.)
 */
export const QUANTIZED_BINS = 256;

/** Running statistics of one tensor over the calibration feeds. */
export interface RangeStats {
  min: number;
  max: number;
  /** The tensor's dims without the batch axis, as seen in calibration (absent where not recorded). */
  dims?: readonly number[];
}

/** A fixed-range histogram: `counts[i]` counts values in [lo + i·w, lo + (i+1)·w), w = (hi − lo)/bins. */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: Float64Array;
}

/** An empty histogram over [lo, hi]. */
export function makeHistogram(lo: number, hi: number, bins = HISTOGRAM_BINS): Histogram {
  return { lo, hi, counts: new Float64Array(bins) };
}

/** Adds values (or their absolute values when `abs`) to a histogram; values outside go to the end bins. */
export function addToHistogram(h: Histogram, values: ArrayLike<number>, abs: boolean): void {
  const bins = h.counts.length;
  const width = h.hi - h.lo;
  if (!(width > 0)) {
    h.counts[0] = (h.counts[0] ?? 0) + values.length;
    return;
  }
  const k = bins / width;
  for (let i = 0; i < values.length; i++) {
    const v = abs ? Math.abs(values[i] ?? 0) : (values[i] ?? 0);
    let b = Math.floor((v - h.lo) * k);
    if (b < 0) b = 0;
    else if (b >= bins) b = bins - 1;
    h.counts[b] = (h.counts[b] ?? 0) + 1;
  }
}

/**
 * Percentile range (ORT's "symmetric" percentile): from the histogram of |x| over
 * [0, max|x|], t is the upper edge of the first bin where the cumulative share reaches
 * `percentile`/100; the range is [max(min, −t), min(max, t)]. (ORT takes the bin's lower
 * edge; the upper edge keeps at least `percentile` % of the values inside the range.)
 */
export function percentileRange(absHist: Histogram, stats: RangeStats, percentile: number): RangeStats {
  const total = absHist.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return { ...stats };
  const target = (percentile / 100) * total;
  const bins = absHist.counts.length;
  const w = (absHist.hi - absHist.lo) / bins;
  let cum = 0;
  let t = absHist.hi;
  for (let i = 0; i < bins; i++) {
    cum += absHist.counts[i] ?? 0;
    if (cum >= target - 1e-9 * total) {
      t = absHist.lo + (i + 1) * w;
      break;
    }
  }
  return { min: Math.max(stats.min, -t), max: Math.min(stats.max, t) };
}

/** Sum, zero count and eps share of a distribution after ORT's smooth_distribution (eps 1e-4). */
function smoothing(d: Float64Array, len: number): { sum: number; eps1: number } | undefined {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < len; i++) {
    const v = d[i] ?? 0;
    sum += v;
    if (v === 0) zeros++;
  }
  const nonZeros = len - zeros;
  if (nonZeros === 0 || sum === 0) return undefined;
  const eps1 = (KL_EPS * zeros) / nonZeros;
  return eps1 >= 1 ? undefined : { sum, eps1 };
}

const KL_EPS = 0.0001;

/** KL(p‖q) after normalising both and moving eps mass onto their empty bins. */
function smoothedKl(p: Float64Array, q: Float64Array, len: number): number {
  const sp = smoothing(p, len);
  const sq = smoothing(q, len);
  if (!sp || !sq) return Infinity;
  let kl = 0;
  for (let i = 0; i < len; i++) {
    const pv = p[i] ?? 0;
    const qv = q[i] ?? 0;
    const a = pv === 0 ? KL_EPS : pv / sp.sum - sp.eps1;
    const b = qv === 0 ? KL_EPS : qv / sq.sum - sq.eps1;
    if (a > 0) kl += a * Math.log(a / b);
  }
  return kl;
}

/**
 * Entropy (KL divergence) range: `hist` is a histogram of x over [−T, T] (T = max|x|,
 * symmetric around 0, even bin count). For each candidate half-width i from
 * QUANTIZED_BINS/2 to bins/2 bins, the clipped distribution p (outliers folded into the
 * edge bins) is compared with its 128-level quantization q; the threshold with the least
 * KL(p‖q) wins. The range is [max(min, −t), min(max, t)].
 */
export function entropyRange(hist: Histogram, stats: RangeStats, quantizedBins = QUANTIZED_BINS): RangeStats {
  const counts = hist.counts;
  const bins = counts.length;
  const zero = Math.floor(bins / 2);
  const halfQ = Math.floor(quantizedBins / 2);
  const w = (hist.hi - hist.lo) / bins;
  const prefix = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) prefix[i + 1] = (prefix[i] ?? 0) + (counts[i] ?? 0);
  if ((prefix[bins] ?? 0) === 0 || !(w > 0)) return { ...stats };
  let bestKl = Infinity;
  let bestT = hist.hi;
  const p = new Float64Array(bins + 1);
  const q = new Float64Array(bins + 1);
  for (let i = halfQ; i <= zero; i++) {
    const start = zero - i;
    const end = Math.min(zero + i + 1, bins);
    const len = end - start;
    for (let k = 0; k < len; k++) p[k] = counts[start + k] ?? 0;
    q.fill(0, 0, len);
    p[0] = (p[0] ?? 0) + (prefix[start] ?? 0);
    p[len - 1] = (p[len - 1] ?? 0) + ((prefix[bins] ?? 0) - (prefix[end] ?? 0));
    const merged = Math.floor(len / quantizedBins);
    for (let j = 0; j < quantizedBins; j++) {
      const a = j * merged;
      const b = j === quantizedBins - 1 ? len : a + merged;
      let sum = 0;
      let nonZero = 0;
      for (let k = a; k < b; k++) {
        sum += counts[start + k] ?? 0;
        if ((p[k] ?? 0) !== 0) nonZero++;
      }
      if (nonZero === 0) continue;
      for (let k = a; k < b; k++) if ((p[k] ?? 0) !== 0) q[k] = sum / nonZero;
    }
    const kl = smoothedKl(p, q, len);
    if (kl < bestKl) {
      bestKl = kl;
      bestT = hist.lo + end * w;
    }
  }
  return { min: Math.max(stats.min, -bestT), max: Math.min(stats.max, bestT) };
}
