/**
 * gdaldem's 3×3 window methods, Horn and Zevenbergen–Thorne, on one window driver: the same gathering, nodata and
 * edge rules; only the neighbour differences differ.
 *
 * Window, in strip order (row index growing downwards):
 * ```
 * w0 w1 w2
 * w3 w4 w5
 * w6 w7 w8
 * ```
 */
import { nativeKernels } from "../native.js";
import { type EastNorthRows, exceptionColumns, frameMatrices } from "./east-north.js";
import type { GridSteps } from "./grid-steps.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "./types.js";

const f32 = Math.fround;

/**
 * gdaldem's neighbour difference `(a0 + a1 + a1 + a2) − (b0 + b1 + b1 + b2)` for Horn (middle cells weighted twice,
 * summed left to right), `a1 − b1` for Zevenbergen–Thorne; in float32 steps when `single`, as gdaldem does for
 * non-integer samples.
 */
function difference(
  horn: boolean,
  single: boolean,
  a0: number,
  a1: number,
  a2: number,
  b0: number,
  b1: number,
  b2: number,
): number {
  if (!horn) return single ? f32(a1 - b1) : a1 - b1;
  if (!single) return a0 + a1 + a1 + a2 - (b0 + b1 + b1 + b2);
  return f32(f32(f32(f32(a0 + a1) + a1) + a2) - f32(f32(f32(b0 + b1) + b1) + b2));
}

/**
 * Fills `w` for a cell on the DEM's border: a missing neighbour is extrapolated linearly, 2a − b, from the nearest
 * cell a and the one beyond it, b, mirrored through a (gdaldem's compute_edges). At the four corners the corner
 * neighbour is extrapolated along one axis and then the other (bilinearly), so a plane stays exact and each
 * difference follows the grid line of the border cell itself, whatever the grid's shape on the ground.
 * gdaldem duplicates the missing column at corners instead, which halves dz/dx there: our one intended difference.
 */
function gatherBorder(w: Float64Array, strip: ElevationStrip, row: number, col: number): void {
  const { data, width, demHeight, firstRow } = strip;
  /** The value at (r, c), extrapolated along the column when r is one outside the DEM. */
  const down = (r: number, c: number) => {
    const ar = r < 0 ? 0 : r >= demHeight ? demHeight - 1 : r;
    const a = data[(ar - firstRow) * width + c]!;
    return ar === r ? a : 2 * a - data[(2 * ar - r - firstRow) * width + c]!;
  };
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      const c = col + dc;
      const ac = c < 0 ? 0 : c >= width ? width - 1 : c;
      w[(dr + 1) * 3 + dc + 1] =
        ac === c ? down(row + dr, c) : 2 * down(row + dr, ac) - down(row + dr, 2 * ac - c);
    }
  }
}

/**
 * Fills `out` for its rows with gdaldem's kernels: Horn dz/dx = ((w2+2w5+w8) − (w0+2w3+w6)) / (8·pixel width),
 * Zevenbergen–Thorne (w5 − w3) / (2·pixel width), likewise along y, signs from xSign/ySign. Pixel sizes come from
 * the spacing model as the sum of the steps either side (so uniform spacing divides by gdaldem's 8·ewres exactly).
 * Nodata as gdaldem: a nodata centre → nodata; a nodata neighbour → nodata, or the centre value in its place when
 * `edges` is on. Border cells are nodata without `edges` (classic gdaldem) and extrapolated with it. With a
 * `frame`, the derivatives along the grid's axes are turned into east and north in the same pass.
 *
 * Interior cells with nine valid elevations take a fast path (the window read in place); borders, cells next to
 * nodata and float32 sums take the general one, with the same arithmetic.
 *
 * @example
 * ```ts
 * windowMethod(strip, out, new GridSteps(spacing, width, strip.demHeight), options);
 * ```
 */
export function windowMethod(
  strip: ElevationStrip,
  out: GradientStrip,
  steps: GridSteps,
  options: DerivativeOptions,
  frame?: EastNorthRows,
): void {
  const { width, data, demHeight } = strip;
  const { dzdx, dzdy } = out;
  const horn = options.method === "horn";
  const single = options.float32Sums === true;
  const { edges, xSign, ySign } = options;
  const extrapolate = edges && width >= 2 && demHeight >= 2;
  // Horn's difference spans 4 pairs of steps (weights 1, 2, 1); Zevenbergen–Thorne's one pair.
  const spans = horn ? 4 : 1;
  const xs = steps.x;
  const w = new Float64Array(9);
  const m00 = frame?.m00;
  const m01 = frame?.m01;
  const m10 = frame?.m10;
  const m11 = frame?.m11;
  const native = nativeKernels();
  const matrices = frame ? frameMatrices(frame) : undefined;
  const exceptions = exceptionColumns(native ? width : 0);
  /** Cell c of the row by the general rule (gathered window, borders, nodata neighbours, float32 sums). */
  const general = (k: number, row: number, c: number) => {
    const mid = (row - strip.firstRow) * width;
    const i = k * width + c;
    dzdx[i] = Number.NaN;
    dzdy[i] = Number.NaN;
    const centre = data[mid + c]!;
    if (centre !== centre) return;
    if (row === 0 || row === demHeight - 1 || c === 0 || c === width - 1) {
      if (!extrapolate) return;
      gatherBorder(w, strip, row, c);
    } else {
      const up = mid - width + c;
      const down = mid + width + c;
      w[0] = data[up - 1]!;
      w[1] = data[up]!;
      w[2] = data[up + 1]!;
      w[3] = data[mid + c - 1]!;
      w[5] = data[mid + c + 1]!;
      w[6] = data[down - 1]!;
      w[7] = data[down]!;
      w[8] = data[down + 1]!;
    }
    const sum = w[0]! + w[1]! + w[2]! + w[3]! + w[5]! + w[6]! + w[7]! + w[8]!;
    if (sum !== sum) {
      // A nodata neighbour: nodata, or (edges) the centre value in its place, as gdaldem.
      if (!edges) return;
      for (let j = 0; j < 9; j++) if (w[j] !== w[j]) w[j] = centre;
    }
    if (single) for (let j = 0; j < 9; j++) w[j] = f32(w[j]!);
    const left = xs[c > 0 ? c - 1 : 0]!;
    const right = xs[c < width - 1 ? c : c - 1]!;
    const above = steps.y(row > 0 ? row - 1 : row)[c]!;
    const below = steps.y(row < demHeight - 1 ? row : row - 1)[c]!;
    // Rise along increasing column (east − west sums) and along increasing row (lower − upper sums).
    const dCol = difference(horn, single, w[2]!, w[5]!, w[8]!, w[0]!, w[3]!, w[6]!);
    const dRow = difference(horn, single, w[6]!, w[7]!, w[8]!, w[0]!, w[1]!, w[2]!);
    put(i, c, dCol / (spans * (left + right)), dRow / (spans * (above + below)));
  };
  /** Stores a cell's derivatives along +column and +row: signed, or east/north with a frame. */
  const put = (i: number, c: number, a: number, b: number) => {
    if (m00) {
      dzdx[i] = m00[c]! * a + m01![c]! * b;
      dzdy[i] = m10![c]! * a + m11![c]! * b;
    } else {
      dzdx[i] = xSign * a;
      dzdy[i] = ySign * b;
    }
  };
  for (let k = 0; k < out.rows; k++) {
    const row = out.firstRow + k;
    steps.setRow(row);
    frame?.fill(row);
    if (single || row === 0 || row === demHeight - 1 || width < 3) {
      for (let c = 0; c < width; c++) general(k, row, c);
      continue;
    }
    general(k, row, 0);
    general(k, row, width - 1);
    const mid = (row - strip.firstRow) * width;
    const up = mid - width;
    const down = mid + width;
    const o = k * width;
    const yUp = steps.y(row - 1);
    const yDown = steps.y(row);
    if (native) {
      // The same fast path in C; the cells next to nodata it lists take the general rule here.
      const found = native.windowInterior(
        data,
        mid,
        width,
        xs,
        horn,
        yUp,
        yDown,
        dzdx,
        dzdy,
        o,
        xSign,
        ySign,
        exceptions,
        matrices,
      );
      for (let j = 0; j < found; j++) general(k, row, exceptions[j]!);
      continue;
    }
    for (let c = 1; c < width - 1; c++) {
      const w4 = data[mid + c]!;
      const w0 = data[up + c - 1]!;
      const w1 = data[up + c]!;
      const w2 = data[up + c + 1]!;
      const w3 = data[mid + c - 1]!;
      const w5 = data[mid + c + 1]!;
      const w6 = data[down + c - 1]!;
      const w7 = data[down + c]!;
      const w8 = data[down + c + 1]!;
      // The general rule's nodata test, in its order.
      const sum = w0 + w1 + w2 + w3 + w5 + w6 + w7 + w8;
      if (w4 !== w4 || sum !== sum) {
        general(k, row, c);
        continue;
      }
      const dCol = horn ? w2 + w5 + w5 + w8 - (w0 + w3 + w3 + w6) : w5 - w3;
      const dRow = horn ? w6 + w7 + w7 + w8 - (w0 + w1 + w1 + w2) : w7 - w1;
      const a = dCol / (spans * (xs[c - 1]! + xs[c]!));
      const b = dRow / (spans * (yUp[c]! + yDown[c]!));
      const i = o + c;
      if (m00) {
        dzdx[i] = m00[c]! * a + m01![c]! * b;
        dzdy[i] = m10![c]! * a + m11![c]! * b;
      } else {
        dzdx[i] = xSign * a;
        dzdy[i] = ySign * b;
      }
    }
  }
}
