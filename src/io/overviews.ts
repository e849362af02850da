/**
 * Overview levels of a COG, computed as the rows stream: each level halves the one above with a 2×2 reduction,
 * holding one source row per band until its pair arrives (docs/algorithms.md, "Overviews").
 */
import { arctan2 } from "../core/atan.js";
import { nativeKernels } from "../native.js";
import type { SampleArray } from "./tiff-compress.js";

/**
 * How a 2×2 block becomes one overview cell:
 * - `mean`: the mean of the valid cells (continuous values: slope, gradient bands, curvatures);
 * - `circular-mean`: the direction of the mean unit vector of the valid cells, for angles in degrees (aspect);
 *   where the directions cancel out (a ridge: 90° and 270°), the first valid cell's;
 * - `average`: the mean, rounded half up for integer samples like GDAL's AVERAGE (Byte hillshade);
 * - `nearest`: the cell GDAL's NEAREST takes (the lower right one, clamped at an odd edge);
 * - `mode`: the most frequent valid value, the first in reading order on a tie (categories, colour bands).
 *
 * Nodata cells (and NaN) never enter a reduction; a cell is nodata only where all its sources are.
 */
export type OverviewResampling = "mean" | "circular-mean" | "average" | "nearest" | "mode";
export const OVERVIEW_RESAMPLINGS: readonly OverviewResampling[] = [
  "mean",
  "circular-mean",
  "average",
  "nearest",
  "mode",
];

/** The largest side at which `"auto"` stops adding levels (GDAL's COG default block size). */
export const AUTO_OVERVIEW_SIDE = 512;

/**
 * The sizes of the overview levels, largest first: each halves the one before (rounding up, as GDAL does).
 * `"auto"` halves until the largest side is ≤ 512; a number gives that many levels (fewer if the image reaches
 * 1×1 first); `false` or 0 none.
 *
 * @example
 * ```ts
 * overviewSizes(3000, 2200, "auto"); // [{ width: 1500, height: 1100 }, { width: 750, height: 550 }, { width: 375, height: 275 }]
 * ```
 */
export function overviewSizes(
  width: number,
  height: number,
  overviews: "auto" | number | false,
): { width: number; height: number }[] {
  const sizes: { width: number; height: number }[] = [];
  let w = width;
  let h = height;
  const more = () =>
    overviews === "auto" ? Math.max(w, h) > AUTO_OVERVIEW_SIDE : sizes.length < (overviews || 0) && w * h > 1;
  while (more()) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
    sizes.push({ width: w, height: h });
  }
  return sizes;
}

/**
 * Halves rows of one level into rows of the next: `push` a row (one array per band, `sourceWidth` values each);
 * every second push returns the reduced row, and `flush` reduces a last unpaired row on its own.
 *
 * @example
 * ```ts
 * const reducer = new RowReducer(4, 1, "mean", -9999, Float32Array);
 * reducer.push([Float32Array.of(1, 2, 3, -9999)]); // undefined: waits for its pair
 * reducer.push([Float32Array.of(3, 4, 5, 6)]); // [Float32Array [2.5, 4.666…]]
 * ```
 */
export class RowReducer {
  readonly width: number;
  private readonly pending: SampleArray[];
  private readonly output: SampleArray[];
  private havePending = false;
  private readonly integer: boolean;
  private readonly fill: number;

  constructor(
    private readonly sourceWidth: number,
    bands: number,
    private readonly resampling: OverviewResampling,
    private readonly nodata: number | undefined,
    array: new (length: number) => SampleArray,
  ) {
    this.width = Math.ceil(sourceWidth / 2);
    this.pending = Array.from({ length: bands }, () => new array(sourceWidth));
    this.output = Array.from({ length: bands }, () => new array(this.width));
    this.integer = !(this.output[0] instanceof Float32Array || this.output[0] instanceof Float64Array);
    this.fill = nodata ?? Number.NaN;
  }

  /** Takes a row; returns the reduced row (reused on the next call) when it completes a pair. */
  push(rows: ArrayLike<number>[]): SampleArray[] | undefined {
    if (!this.havePending) {
      rows.forEach((row, b) => {
        this.pending[b]!.set(row as SampleArray);
      });
      this.havePending = true;
      return undefined;
    }
    this.havePending = false;
    rows.forEach((row, b) => {
      this.reduce(this.pending[b]!, row, this.output[b]!);
    });
    return this.output;
  }

  /** The reduction of a last row without a pair, if one is waiting. */
  flush(): SampleArray[] | undefined {
    if (!this.havePending) return undefined;
    this.havePending = false;
    this.pending.forEach((row, b) => {
      this.reduce(row, undefined, this.output[b]!);
    });
    return this.output;
  }

  private reduce(top: ArrayLike<number>, bottom: ArrayLike<number> | undefined, out: SampleArray): void {
    if (this.resampling === "mean" || this.resampling === "average") this.mean(top, bottom, out);
    else if (this.resampling === "circular-mean") this.circularMean(top, bottom, out);
    else this.generic(top, bottom, out);
  }

  /** The rows as the native reducers take them (Float32 rows of this level), or undefined. */
  private floatRows(
    top: ArrayLike<number>,
    bottom: ArrayLike<number> | undefined,
    out: SampleArray,
  ): [Float32Array, Float32Array | undefined, Float32Array] | undefined {
    const fits =
      top instanceof Float32Array &&
      top.length === this.sourceWidth &&
      (bottom === undefined || bottom instanceof Float32Array) &&
      out instanceof Float32Array;
    return fits ? [top, bottom as Float32Array | undefined, out] : undefined;
  }

  /** Mean and average, the common case, in one pass without per-cell arrays. */
  private mean(top: ArrayLike<number>, bottom: ArrayLike<number> | undefined, out: SampleArray): void {
    const native = nativeKernels();
    const rows = native && this.floatRows(top, bottom, out);
    if (rows) {
      native!.meanRow(...rows, this.nodata);
      return;
    }
    const last = this.sourceWidth - 1;
    const nodata = this.nodata;
    const integer = this.integer;
    for (let i = 0; i < this.width; i++) {
      const x0 = 2 * i;
      const x1 = x0 < last ? x0 + 1 : x0;
      let sum = 0;
      let n = 0;
      let v = top[x0]!;
      if (v === v && v !== nodata) {
        sum += v;
        n++;
      }
      if (x1 !== x0) {
        v = top[x1]!;
        if (v === v && v !== nodata) {
          sum += v;
          n++;
        }
      }
      if (bottom) {
        v = bottom[x0]!;
        if (v === v && v !== nodata) {
          sum += v;
          n++;
        }
        if (x1 !== x0) {
          v = bottom[x1]!;
          if (v === v && v !== nodata) {
            sum += v;
            n++;
          }
        }
      }
      out[i] = n === 0 ? this.fill : integer ? Math.floor(sum / n + 0.5) : sum / n;
    }
  }

  /** The direction of the summed unit vectors (sines and cosines from a small table: 268 M cells at 16384²). */
  private circularMean(
    top: ArrayLike<number>,
    bottom: ArrayLike<number> | undefined,
    out: SampleArray,
  ): void {
    const native = nativeKernels();
    const rows = native && this.floatRows(top, bottom, out);
    if (rows) {
      native!.circularMeanRow(...rows, this.nodata, SIN_COS);
      return;
    }
    const last = this.sourceWidth - 1;
    const nodata = this.nodata;
    for (let i = 0; i < this.width; i++) {
      const x0 = 2 * i;
      const x1 = x0 < last ? x0 + 1 : x0;
      acc.s = 0;
      acc.c = 0;
      acc.n = 0;
      accumulate(top[x0]!, nodata);
      if (x1 !== x0) accumulate(top[x1]!, nodata);
      if (bottom) {
        accumulate(bottom[x0]!, nodata);
        if (x1 !== x0) accumulate(bottom[x1]!, nodata);
      }
      const { s, c, n, first } = acc;
      if (n === 0) {
        out[i] = this.fill;
        continue;
      }
      // Opposite directions (the two sides of a ridge or valley) have no mean direction: the first valid
      // cell's, as nearest would give, rather than whatever the rounding of the sines makes of it.
      if (s * s + c * c < 1e-12 * n * n) {
        out[i] = first;
        continue;
      }
      // The arctangent of the slope and aspect kernels (within 2 ulp of Math.atan2's, twice as fast).
      const degrees = (arctan2(s, c) * 180) / Math.PI;
      const wrapped = degrees < 0 ? degrees + 360 : degrees;
      // Float32 rounding can turn 359.99999 into 360, outside [0, 360).
      out[i] = Math.fround(wrapped) >= 360 ? 0 : wrapped;
    }
  }

  private generic(top: ArrayLike<number>, bottom: ArrayLike<number> | undefined, out: SampleArray): void {
    const w = this.sourceWidth;
    const nodata = this.nodata;
    const cells = [0, 0, 0, 0];
    for (let i = 0; i < this.width; i++) {
      const x0 = 2 * i;
      const x1 = Math.min(x0 + 1, w - 1);
      // The sources in reading order; an odd edge's missing column or row is left out.
      let n = 0;
      cells[n++] = top[x0]!;
      if (x1 !== x0) cells[n++] = top[x1]!;
      if (bottom) {
        cells[n++] = bottom[x0]!;
        if (x1 !== x0) cells[n++] = bottom[x1]!;
      }
      if (this.resampling === "nearest") {
        out[i] = cells[n - 1]!;
        continue;
      }
      let valid = 0;
      for (let k = 0; k < n; k++) {
        const v = cells[k]!;
        if (v === v && v !== nodata) cells[valid++] = v;
      }
      out[i] = valid === 0 ? this.fill : mode(cells, valid);
    }
  }
}

/** The running sums of `circularMean` (a module-level object: a closure per cell would cost more than the sums). */
const acc = { s: 0, c: 0, n: 0, first: 0 };

function accumulate(v: number, nodata: number | undefined): void {
  if (v !== v || v === nodata) return;
  if (acc.n++ === 0) acc.first = v;
  // Aspect lies in [0, 360); other angles are wrapped first.
  const t = (v >= 0 && v < 360 ? v : ((v % 360) + 360) % 360) * STEPS_PER_DEGREE;
  // The nearest table angle, and the sine and cosine of the rest (|d| ≤ π/4096) from their Taylor series.
  const j = Math.floor(t + 0.5);
  const d = (t - j) * RADIANS_PER_STEP;
  const d2 = d * d;
  const sd = d * (1 + d2 * (-1 / 6 + d2 * (1 / 120)));
  const cd = 1 + d2 * (-0.5 + d2 * (1 / 24 + d2 * (-1 / 720)));
  const sj = SIN_COS[2 * j]!;
  const cj = SIN_COS[2 * j + 1]!;
  acc.s += sj * cd + cj * sd;
  acc.c += cj * cd - sj * sd;
}

/** The most frequent of the first `count` cells (`count` ≥ 1), the first in reading order on a tie. */
function mode(cells: number[], count: number): number {
  let best = cells[0]!;
  let bestCount = 0;
  for (let k = 0; k < count; k++) {
    let seen = 0;
    for (let j = 0; j < count; j++) if (cells[j] === cells[k]) seen++;
    if (seen > bestCount) {
      best = cells[k]!;
      bestCount = seen;
    }
  }
  return best;
}

/**
 * Sines and cosines of 4096 angles around the circle (interleaved, 64 KiB: it stays in cache, where a finer table
 * would not), from which `accumulate` turns by the small rest of each angle: within 1e-16 of Math.sin/cos.
 */
const STEPS = 4096;
const STEPS_PER_DEGREE = STEPS / 360;
const RADIANS_PER_STEP = (2 * Math.PI) / STEPS;
const SIN_COS = new Float64Array(2 * (STEPS + 1));
for (let j = 0; j <= STEPS; j++) {
  SIN_COS[2 * j] = Math.sin(j * RADIANS_PER_STEP);
  SIN_COS[2 * j + 1] = Math.cos(j * RADIANS_PER_STEP);
}
