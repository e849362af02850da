/**
 * The `gradient` method: numpy.gradient along x (per row) and y (per column) with ground-metre coordinates, using
 * the project's one set of stencils. Nodata aware: where a central difference would touch nodata, the one-sided
 * difference on the valid side is used, as at a border, so holes grow no rim and borders get values.
 */
import {
  centralNonUniform,
  centralUniform,
  forward1,
  left2NonUniform,
  left2Uniform,
  right2NonUniform,
  right2Uniform,
} from "../core/stencils.js";
import { nativeKernels } from "../native.js";
import { type EastNorthRows, exceptionColumns, frameMatrices } from "./east-north.js";
import type { GridSteps } from "./grid-steps.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "./types.js";

/*
 * A stencil over equal elevations is exactly 0: the non-uniform (and second-order) weights only sum to zero up to
 * rounding, which would give flat ground a slope of 1e-17° and an arbitrary aspect.
 */

/**
 * Derivative at f0 from the cells after it: second order when asked and f2 is valid (d1 = f0→f1, d2 = f1→f2),
 * else first order.
 */
function fromNext(
  f0: number,
  f1: number,
  f2: number,
  d1: number,
  d2: number,
  second: boolean,
  uniform: boolean,
) {
  if (second && f2 === f2) {
    if (f1 === f0 && f2 === f0) return 0;
    return uniform ? left2Uniform(f0, f1, f2, d1) : left2NonUniform(f0, f1, f2, d1, d2);
  }
  return forward1(f0, f1, d1);
}

/** Derivative at f0 from the cells before it (f2 two back, f1 one back; d1 = f2→f1, d2 = f1→f0). */
function fromPrevious(
  f2: number,
  f1: number,
  f0: number,
  d1: number,
  d2: number,
  second: boolean,
  uniform: boolean,
) {
  if (second && f2 === f2) {
    if (f1 === f0 && f2 === f0) return 0;
    return uniform ? right2Uniform(f2, f1, f0, d2) : right2NonUniform(f2, f1, f0, d1, d2);
  }
  return forward1(f1, f0, d2);
}

/** Where one output row's cells are in the strip and in the steps: what the general per-cell path reads. */
interface RowState {
  data: Float64Array;
  /** The row's x steps, its first step, and whether all of them are equal. */
  xs: Float64Array;
  h: number;
  uniform: boolean;
  last: number;
  width: number;
  second: boolean;
  /** Strip offset of the row's first cell. */
  b: number;
  hasUp: boolean;
  hasDown: boolean;
  hasUp2: boolean;
  hasDown2: boolean;
  /** The y steps into the row (up), out of it (down), and one further each way (empty where there are none). */
  yUp: Float64Array;
  yDown: Float64Array;
  yUp2: Float64Array;
  yDown2: Float64Array;
}

const NO_STEPS = new Float64Array(0);

/** dz/d(+column) at column c by the general rule (borders, holes): central where both neighbours are valid. */
function xAt(s: RowState, c: number): number {
  const { data, b, last, xs } = s;
  const f0 = data[b + c]!;
  if (f0 !== f0) return Number.NaN;
  const fm = c > 0 ? data[b + c - 1]! : Number.NaN;
  const fp = c < last ? data[b + c + 1]! : Number.NaN;
  if (fm === fm && fp === fp) {
    return s.uniform || (fm === f0 && fp === f0)
      ? centralUniform(fm, fp, s.h)
      : centralNonUniform(fm, f0, fp, xs[c - 1]!, xs[c]!);
  }
  if (fp === fp) {
    const far = c + 1 < last;
    const f2 = far ? data[b + c + 2]! : Number.NaN;
    return fromNext(f0, fp, f2, xs[c]!, far ? xs[c + 1]! : 0, s.second, s.uniform);
  }
  if (fm === fm) {
    const far = c > 1;
    const f2 = far ? data[b + c - 2]! : Number.NaN;
    return fromPrevious(f2, fm, f0, far ? xs[c - 2]! : 0, xs[c - 1]!, s.second, s.uniform);
  }
  return Number.NaN;
}

/** dz/d(+row) at column c by the general rule, down the column in row order (its steps are its coordinates). */
function yAt(s: RowState, c: number): number {
  const { data, b, width } = s;
  const f0 = data[b + c]!;
  if (f0 !== f0) return Number.NaN;
  const fu = s.hasUp ? data[b - width + c]! : Number.NaN;
  const fd = s.hasDown ? data[b + width + c]! : Number.NaN;
  if (fu === fu && fd === fd) {
    const d1 = s.yUp[c]!;
    const d2 = s.yDown[c]!;
    return d1 === d2 || (fu === f0 && fd === f0)
      ? centralUniform(fu, fd, d1)
      : centralNonUniform(fu, f0, fd, d1, d2);
  }
  if (fd === fd) {
    const f2 = s.hasDown2 ? data[b + 2 * width + c]! : Number.NaN;
    const d1 = s.yDown[c]!;
    const d2 = s.hasDown2 ? s.yDown2[c]! : 0;
    return fromNext(f0, fd, f2, d1, d2, s.second, d1 === d2);
  }
  if (fu === fu) {
    const f2 = s.hasUp2 ? data[b - 2 * width + c]! : Number.NaN;
    const d1 = s.hasUp2 ? s.yUp2[c]! : 0;
    const d2 = s.yUp[c]!;
    return fromPrevious(f2, fu, f0, d1, d2, s.second, d1 === d2);
  }
  return Number.NaN;
}

/**
 * Fills `out` for its rows. Along x a row's steps form one coordinate array, so numpy's rule applies exactly (all
 * steps equal → uniform formulas). Along y a strip never holds a whole column, so the rule is applied locally:
 * two equal neighbouring steps → uniform formula (identical to numpy wherever a column's spacing is uniform).
 * With a `frame`, the derivatives along the grid's axes are turned into east and north in the same pass.
 *
 * Interior cells whose four neighbours are valid — nearly all of them — take a fast path with the central
 * formulas inline and the non-uniform y weights reused while a row's steps repeat (they do on geographic grids);
 * borders and cells next to nodata take the general rule. Both give the same bits as numpy's formulas.
 *
 * @example
 * ```ts
 * gradientMethod(strip, out, new GridSteps(spacing, width, strip.demHeight), options);
 * ```
 */
export function gradientMethod(
  strip: ElevationStrip,
  out: GradientStrip,
  steps: GridSteps,
  options: DerivativeOptions,
  frame?: EastNorthRows,
): void {
  const { width, data, demHeight } = strip;
  const { dzdx, dzdy } = out;
  const second = options.edgeOrder === 2;
  const { xSign, ySign } = options;
  const xs = steps.x;
  const last = width - 1;
  const m00 = frame?.m00;
  const m01 = frame?.m01;
  const m10 = frame?.m10;
  const m11 = frame?.m11;
  const native = nativeKernels();
  const matrices = frame ? frameMatrices(frame) : undefined;
  const exceptions = exceptionColumns(native ? width : 0);
  const s: RowState = {
    data,
    xs,
    h: Number.NaN,
    uniform: false,
    last,
    width,
    second,
    b: 0,
    hasUp: false,
    hasDown: false,
    hasUp2: false,
    hasDown2: false,
    yUp: NO_STEPS,
    yDown: NO_STEPS,
    yUp2: NO_STEPS,
    yDown2: NO_STEPS,
  };
  /** Stores cell c of the row: nodata unless both derivatives are defined; east/north with a frame. */
  const put = (i: number, c: number, gx: number, gy: number) => {
    if (gx !== gx || gy !== gy) {
      dzdx[i] = Number.NaN;
      dzdy[i] = Number.NaN;
    } else if (m00) {
      dzdx[i] = m00[c]! * gx + m01![c]! * gy;
      dzdy[i] = m10![c]! * gx + m11![c]! * gy;
    } else {
      dzdx[i] = xSign * gx;
      dzdy[i] = ySign * gy;
    }
  };
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    const b = (row - strip.firstRow) * width;
    const o = k * width;
    steps.setRow(row);
    s.b = b;
    s.uniform = steps.xUniform;
    s.h = xs[0]!;
    s.hasUp = row > 0;
    s.hasDown = row < demHeight - 1;
    s.hasUp2 = second && row > 1;
    s.hasDown2 = second && row < demHeight - 2;
    s.yUp = s.hasUp ? steps.y(row - 1) : NO_STEPS;
    s.yDown = s.hasDown ? steps.y(row) : NO_STEPS;
    s.yUp2 = s.hasUp2 ? steps.y(row - 2) : NO_STEPS;
    s.yDown2 = s.hasDown2 ? steps.y(row + 1) : NO_STEPS;
    frame?.fill(row);
    if (!s.hasUp || !s.hasDown || width < 3) {
      for (let c = 0; c < width; c++) put(o + c, c, xAt(s, c), yAt(s, c));
      continue;
    }
    put(o, 0, xAt(s, 0), yAt(s, 0));
    put(o + last, last, xAt(s, last), yAt(s, last));
    if (native) {
      // The same fast path in C; the cells next to nodata it lists take the general rule here.
      const found = native.gradientInterior(
        data,
        b,
        width,
        xs,
        steps.xUniform,
        s.yUp,
        s.yDown,
        dzdx,
        dzdy,
        o,
        xSign,
        ySign,
        exceptions,
        matrices,
      );
      for (let k = 0; k < found; k++) {
        const c = exceptions[k]!;
        put(o + c, c, xAt(s, c), yAt(s, c));
      }
      continue;
    }
    const { uniform, yUp, yDown } = s;
    const hx2 = 2.0 * s.h;
    const up = b - width;
    const down = b + width;
    // The last non-uniform y weights and the steps they are for.
    let p1 = Number.NaN;
    let p2 = Number.NaN;
    let wu = 0;
    let w0 = 0;
    let wd = 0;
    for (let c = 1; c < last; c++) {
      const f0 = data[b + c]!;
      const fm = data[b + c - 1]!;
      const fp = data[b + c + 1]!;
      const fu = data[up + c]!;
      const fd = data[down + c]!;
      const all = f0 + fm + fp + fu + fd;
      if (all !== all) {
        // A neighbour (or the cell) is nodata: the general rule.
        put(o + c, c, xAt(s, c), yAt(s, c));
        continue;
      }
      const gx =
        uniform || (fm === f0 && fp === f0)
          ? (fp - fm) / hx2
          : centralNonUniform(fm, f0, fp, xs[c - 1]!, xs[c]!);
      const d1 = yUp[c]!;
      const d2 = yDown[c]!;
      let gy: number;
      if (d1 === d2 || (fu === f0 && fd === f0)) {
        gy = (fd - fu) / (2.0 * d1);
      } else {
        if (d1 !== p1 || d2 !== p2) {
          // centralNonUniform's weights, kept for the next cells with the same steps.
          wu = -d2 / (d1 * (d1 + d2));
          w0 = (d2 - d1) / (d1 * d2);
          wd = d1 / (d2 * (d1 + d2));
          p1 = d1;
          p2 = d2;
        }
        gy = wu * fu + w0 * f0 + wd * fd;
      }
      const i = o + c;
      if (m00) {
        dzdx[i] = m00[c]! * gx + m01![c]! * gy;
        dzdy[i] = m10![c]! * gx + m11![c]! * gy;
      } else if (gx !== gx || gy !== gy) {
        // Steps of pixels outside the CRS's domain are NaN.
        dzdx[i] = Number.NaN;
        dzdy[i] = Number.NaN;
      } else {
        dzdx[i] = xSign * gx;
        dzdy[i] = ySign * gy;
      }
    }
  }
}
