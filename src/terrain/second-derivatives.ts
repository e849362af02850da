/**
 * First and second derivatives of the elevation in true ground metres east and north, p = ∂z/∂e, q = ∂z/∂n,
 * r = ∂²z/∂e², s = ∂²z/∂e∂n, t = ∂²z/∂n², for curvatures. Differences along each grid line use the spacing model's
 * ground steps as coordinates (numpy.gradient's non-uniform formulas, and the second difference of the parabola
 * through three points); the mixed derivative is the mean of the difference across rows of the row differences and
 * the difference along rows of the column differences (symmetric in the two axes); the grid's frame and the turning
 * of its lines on the ground (./grid-metric.ts) turn them into east/north derivatives. Exact for a quadric on any
 * grid the spacing model describes, up to the rounding of the stored elevations.
 *
 * `zevenbergen-thorne` is Zevenbergen & Thorne's 3×3 fit of a quadric: the same differences with the two steps of
 * each stencil replaced by their mean (their formulas for a uniform grid, with the ground steps of each pixel), so
 * it is exact where the steps are equal and off by the steps' change elsewhere.
 *
 * Borders and nodata: where a central difference would reach outside the DEM or onto nodata, the three-point
 * one-sided difference on the valid side is used (second derivatives need three points, so first derivatives use
 * second-order one-sided differences too), so holes grow no rim. A cell gets nodata when a line through it has no
 * three valid cells in a row including it. With `edges: false` (zevenbergen-thorne, classic gdaldem) only cells
 * whose whole 3×3 window is valid get values.
 */

import { centralNonUniform, centralUniform, left2NonUniform, right2NonUniform } from "../core/stencils.js";
import type { SpacingModel } from "../geo/types.js";
import { GridMetric, type MetricRow, newMetricRow } from "./grid-metric.js";
import type { Workspace } from "./grid-steps.js";
import type { ElevationStrip } from "./types.js";

/** The methods with second derivatives. */
export type SecondDerivativeMethod = "gradient" | "zevenbergen-thorne";

export interface SecondDerivativeOptions {
  method: SecondDerivativeMethod;
  /** false: only cells whose 3×3 window is valid (zevenbergen-thorne's classic gdaldem borders). */
  edges: boolean;
  spacing: SpacingModel;
  /** +1 when column index grows towards map +x (gt[1] > 0), −1 otherwise. */
  xSign: 1 | -1;
  /** +1 when row index grows towards map +y (south-up), −1 for the usual north-up raster. */
  ySign: 1 | -1;
}

/** p, q (per metre) and r, s, t (per square metre) of the stored elevations, east/north, per output cell; NaN = nodata. */
export interface SurfaceDerivatives {
  p: Float64Array;
  q: Float64Array;
  r: Float64Array;
  s: Float64Array;
  t: Float64Array;
  /** Output columns and rows. */
  width: number;
  rows: number;
  firstRow: number;
}

/** Rows (and columns) of elevations read on each side of a cell: the one-sided three-point differences. */
export const SECOND_DERIVATIVE_HALO = 2;

/** First and second derivative of one stencil, written by `lineDerivatives`. */
interface Pair {
  first: number;
  second: number;
}

/** The second derivative of the parabola through (x0, f0), (x0 + d1, f1), (x0 + d1 + d2, f2). */
function secondDifference(f0: number, f1: number, f2: number, d1: number, d2: number): number {
  return (2 * ((f2 - f1) / d2 - (f1 - f0) / d1)) / (d1 + d2);
}

/**
 * Derivatives at f0 along a line from the values two before (fm2, fm) and after (fp, fp2) it, NaN where absent,
 * and the steps between them (dm2: fm2→fm, dm: fm→f0, dp: f0→fp, dp2: fp→fp2): central where both neighbours
 * are valid, else the three points on the valid side (when `oneSided`), else NaN. `mean`: each stencil's steps
 * replaced by their mean (zevenbergen-thorne). Equal values give exactly 0 (the weights sum to 0 only up to
 * rounding).
 */
function lineDerivatives(
  fm2: number,
  fm: number,
  f0: number,
  fp: number,
  fp2: number,
  dm2: number,
  dm: number,
  dp: number,
  dp2: number,
  oneSided: boolean,
  mean: boolean,
  out: Pair,
): void {
  out.first = Number.NaN;
  out.second = Number.NaN;
  if (f0 !== f0) return;
  if (fm === fm && fp === fp) {
    if (fm === f0 && fp === f0) {
      out.first = 0;
      out.second = 0;
      return;
    }
    const d1 = mean ? (dm + dp) / 2 : dm;
    const d2 = mean ? d1 : dp;
    out.first = d1 === d2 ? centralUniform(fm, fp, d1) : centralNonUniform(fm, f0, fp, d1, d2);
    out.second = secondDifference(fm, f0, fp, d1, d2);
    return;
  }
  if (!oneSided) return;
  if (fp === fp && fp2 === fp2) {
    if (fp === f0 && fp2 === f0) {
      out.first = 0;
      out.second = 0;
      return;
    }
    const d1 = mean ? (dp + dp2) / 2 : dp;
    const d2 = mean ? d1 : dp2;
    out.first = left2NonUniform(f0, fp, fp2, d1, d2);
    out.second = secondDifference(f0, fp, fp2, d1, d2);
  } else if (fm === fm && fm2 === fm2) {
    if (fm === f0 && fm2 === f0) {
      out.first = 0;
      out.second = 0;
      return;
    }
    const d1 = mean ? (dm2 + dm) / 2 : dm2;
    const d2 = mean ? d1 : dm;
    out.first = right2NonUniform(fm2, fm, f0, d1, d2);
    out.second = secondDifference(fm2, fm, f0, d1, d2);
  }
}

/**
 * The derivative of a first-derivative field (D_u across rows, D_v along a row) from its values before (am), at
 * (a0) and after (ap) the cell, dm and dp the steps to and from the cell: central where both are valid, else the
 * one-sided difference (a first derivative is linear along a line on a quadric, so that is exact too).
 */
function acrossDerivative(
  am: number,
  a0: number,
  ap: number,
  dm: number,
  dp: number,
  oneSided: boolean,
  mean: boolean,
) {
  if (a0 !== a0) return Number.NaN;
  if (am === am && ap === ap) {
    if (am === a0 && ap === a0) return 0;
    if (mean || dm === dp) return centralUniform(am, ap, (dm + dp) / 2);
    return centralNonUniform(am, a0, ap, dm, dp);
  }
  if (!oneSided) return Number.NaN;
  if (ap === ap) return ap === a0 ? 0 : (ap - a0) / dp;
  if (am === am) return a0 === am ? 0 : (a0 - am) / dm;
  return Number.NaN;
}

/**
 * Computes p, q, r, s, t for DEM rows [firstRow, firstRow + rows) and columns [x, x + width) of a strip that covers
 * those rows plus SECOND_DERIVATIVE_HALO rows on each side (fewer at the DEM's top and bottom) across the DEM's
 * whole width. The result does not depend on how the DEM is cut into strips. Reuses the geometry of rows already
 * seen when given the same `metric` (see `secondDerivativeMetric`), and a workspace's buffers when given one.
 *
 * @example
 * ```ts
 * const d = computeSecondDerivatives(
 *   { data: elevations, width, rows: height, firstRow: 0, demHeight: height },
 *   { firstRow: 0, rows: height, x: 0, width },
 *   { method: "gradient", edges: true, spacing, xSign: 1, ySign: -1 },
 * );
 * ```
 */
export function computeSecondDerivatives(
  strip: ElevationStrip,
  output: { firstRow: number; rows: number; x: number; width: number },
  options: SecondDerivativeOptions,
  workspace?: Workspace,
  metric: GridMetric = secondDerivativeMetric(strip, options),
): SurfaceDerivatives {
  const { width, demHeight, data } = strip;
  const { firstRow, rows, x } = output;
  const count = output.width;
  checkCoverage(strip, output);
  const float64 = (name: string, length: number) =>
    workspace ? workspace.float64(name, length) : new Float64Array(length);
  const cells = rows * count;
  const result: SurfaceDerivatives = {
    p: float64("second derivatives p", cells),
    q: float64("second derivatives q", cells),
    r: float64("second derivatives r", cells),
    s: float64("second derivatives s", cells),
    t: float64("second derivatives t", cells),
    width: count,
    rows,
    firstRow,
  };
  const mean = options.method === "zevenbergen-thorne";
  const oneSided = options.edges;
  const pair: Pair = { first: 0, second: 0 };
  /** Where DEM row `row` starts in the strip's data, or −1 outside the DEM. */
  const base = (row: number) => (row < 0 || row >= demHeight ? -1 : (row - strip.firstRow) * width);

  // D_u and D_uu of rows firstRow − 1 … firstRow + rows, three rows at a time.
  const along = [0, 1, 2].map((i) => ({
    row: Number.NaN,
    first: float64(`second derivatives D_u ${i}`, count),
    second: float64(`second derivatives D_uu ${i}`, count),
  }));
  const alongRow = (row: number) => {
    const slot = along[((row % 3) + 3) % 3]!;
    if (slot.row !== row) {
      slot.row = row;
      const b = base(row);
      if (b < 0) {
        slot.first.fill(Number.NaN);
        slot.second.fill(Number.NaN);
      } else {
        rowDerivatives(data, b, width, metric.xSteps(row), x, count, oneSided, mean, pair, slot);
      }
    }
    return slot;
  };

  const coefficients: MetricRow = workspaceMetricRow(float64, count);
  const noSteps = new Float64Array(width);
  // D_v and D_vv of the output columns and one more on each side (D_uv differences D_v along the row).
  const first = Math.max(0, x - 1);
  const end = Math.min(width, x + count + 1);
  const dvs = float64("second derivatives D_v", end - first);
  const dvvs = float64("second derivatives D_vv", end - first);
  for (let k = 0; k < rows; k++) {
    const row = firstRow + k;
    const up = alongRow(row - 1);
    const here = alongRow(row);
    const down = alongRow(row + 1);
    metric.coefficients(row, x, count, coefficients);
    const { m00, m01, m10, m11, uuA, uuB, vvA, vvB, vuA, vuB, uvA, uvB } = coefficients;
    const yStep = (r: number) => (r >= 0 && r < demHeight - 1 ? metric.ySteps(r)! : noSteps);
    const ym2 = yStep(row - 2);
    const ym = yStep(row - 1);
    const yp = yStep(row);
    const yp2 = yStep(row + 1);
    const bm2 = base(row - 2);
    const bm = base(row - 1);
    const b0 = base(row);
    const bp = base(row + 1);
    const bp2 = base(row + 2);
    for (let c = first; c < end; c++) {
      lineDerivatives(
        bm2 < 0 ? Number.NaN : data[bm2 + c]!,
        bm < 0 ? Number.NaN : data[bm + c]!,
        data[b0 + c]!,
        bp < 0 ? Number.NaN : data[bp + c]!,
        bp2 < 0 ? Number.NaN : data[bp2 + c]!,
        ym2[c]!,
        ym[c]!,
        yp[c]!,
        yp2[c]!,
        oneSided,
        mean,
        pair,
      );
      dvs[c - first] = pair.first;
      dvvs[c - first] = pair.second;
    }
    const xs = metric.xSteps(row);
    const o = k * count;
    for (let i = 0; i < count; i++) {
      const c = x + i;
      const j = c - first;
      const du = here.first[i]!;
      const duu = here.second[i]!;
      const dv = dvs[j]!;
      const dvv = dvvs[j]!;
      // uᵀHv from both orders of the mixed difference (their mean where both exist: symmetric in the two axes).
      const dvu = acrossDerivative(up.first[i]!, du, down.first[i]!, ym[c]!, yp[c]!, oneSided, mean);
      const duv =
        c > 0 && c < width - 1
          ? acrossDerivative(dvs[j - 1]!, dv, dvs[j + 1]!, xs[c - 1]!, xs[c]!, oneSided, mean)
          : c > 0
            ? acrossDerivative(dvs[j - 1]!, dv, Number.NaN, xs[c - 1]!, 0, oneSided, mean)
            : acrossDerivative(Number.NaN, dv, dvs[j + 1]!, 0, xs[c]!, oneSided, mean);
      const fromVU = dvu - (vuA[i]! * du + vuB[i]! * dv);
      const fromUV = duv - (uvA[i]! * du + uvB[i]! * dv);
      const auv = fromVU === fromVU ? (fromUV === fromUV ? (fromVU + fromUV) / 2 : fromVU) : fromUV;
      if (du !== du || duu !== duu || dv !== dv || dvv !== dvv || auv !== auv) {
        result.p[o + i] = Number.NaN;
        result.q[o + i] = Number.NaN;
        result.r[o + i] = Number.NaN;
        result.s[o + i] = Number.NaN;
        result.t[o + i] = Number.NaN;
        continue;
      }
      // The Hessian along the grid's lines, then turned into east/north: H = M·A·Mᵀ.
      const auu = duu - (uuA[i]! * du + uuB[i]! * dv);
      const avv = dvv - (vvA[i]! * du + vvB[i]! * dv);
      const a = m00[i]!;
      const b = m01[i]!;
      const cc = m10[i]!;
      const d = m11[i]!;
      result.p[o + i] = a * du + b * dv;
      result.q[o + i] = cc * du + d * dv;
      result.r[o + i] = a * a * auu + 2 * a * b * auv + b * b * avv;
      result.s[o + i] = a * cc * auu + (a * d + b * cc) * auv + b * d * avv;
      result.t[o + i] = cc * cc * auu + 2 * cc * d * auv + d * d * avv;
    }
  }
  return result;
}

/** D_u and D_uu along one DEM row (starting at `b` in `data`) for columns [x, x + count), into `out`. */
function rowDerivatives(
  data: Float64Array,
  b: number,
  width: number,
  xs: Float64Array,
  x: number,
  count: number,
  oneSided: boolean,
  mean: boolean,
  pair: Pair,
  out: { first: Float64Array; second: Float64Array },
): void {
  const last = width - 1;
  for (let k = 0; k < count; k++) {
    const c = x + k;
    if (c >= 2 && c <= last - 2) {
      const o = b + c;
      lineDerivatives(
        data[o - 2]!,
        data[o - 1]!,
        data[o]!,
        data[o + 1]!,
        data[o + 2]!,
        xs[c - 2]!,
        xs[c - 1]!,
        xs[c]!,
        xs[c + 1]!,
        oneSided,
        mean,
        pair,
      );
    } else {
      const at = (col: number) => (col < 0 || col > last ? Number.NaN : data[b + col]!);
      const step = (col: number) => (col < 0 || col >= last ? 0 : xs[col]!);
      lineDerivatives(
        at(c - 2),
        at(c - 1),
        at(c),
        at(c + 1),
        at(c + 2),
        step(c - 2),
        step(c - 1),
        step(c),
        step(c + 1),
        oneSided,
        mean,
        pair,
      );
    }
    out.first[k] = pair.first;
    out.second[k] = pair.second;
  }
}

/** The geometry a run's strips share (one per thread: it keeps the rows around the last ones computed). */
export function secondDerivativeMetric(
  strip: Pick<ElevationStrip, "width" | "demHeight">,
  options: Pick<SecondDerivativeOptions, "spacing" | "xSign" | "ySign">,
): GridMetric {
  return new GridMetric(options.spacing, strip.width, strip.demHeight, options.xSign, options.ySign);
}

function workspaceMetricRow(
  float64: (name: string, length: number) => Float64Array,
  count: number,
): MetricRow {
  const row = newMetricRow(0);
  for (const key of Object.keys(row) as (keyof MetricRow)[])
    row[key] = float64(`second derivatives ${key}`, count);
  return row;
}

function checkCoverage(
  strip: ElevationStrip,
  output: { firstRow: number; rows: number; x: number; width: number },
): void {
  const { width, demHeight } = strip;
  const { firstRow, rows, x } = output;
  if (
    firstRow < 0 ||
    rows < 0 ||
    firstRow + rows > demHeight ||
    x < 0 ||
    output.width < 0 ||
    x + output.width > width
  ) {
    throw new RangeError(
      `output rows ${firstRow}–${firstRow + rows}, columns ${x}–${x + output.width} outside the DEM's ${width}×${demHeight}`,
    );
  }
  const need0 = Math.max(0, firstRow - SECOND_DERIVATIVE_HALO);
  const need1 = Math.min(demHeight, firstRow + rows + SECOND_DERIVATIVE_HALO);
  if (need0 < strip.firstRow || need1 > strip.firstRow + strip.rows) {
    throw new RangeError(
      `strip rows ${strip.firstRow}–${strip.firstRow + strip.rows} do not cover ${need0}–${need1}`,
    );
  }
  if (strip.data.length < strip.rows * width) {
    throw new RangeError(
      `strip data holds ${strip.data.length} values, fewer than ${strip.rows} rows × ${width}`,
    );
  }
}
