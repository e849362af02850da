/**
 * Measures of the 3×3 window around each cell, made from the elevations alone (gdaldem's TRI, TPI and roughness):
 *
 * - TRI after Riley et al. (1999): √Σ(zᵢ − z₀)² over the 8 neighbours;
 * - TRI after Wilson et al. (2007), the bathymetric one: the mean of |zᵢ − z₀|;
 * - TPI: z₀ minus the mean of the 8 neighbours;
 * - roughness: the largest minus the smallest of the 9 cells.
 *
 * Two rules for borders and nodata. gdaldem's (3.6, for `--compat gdaldem`): a nodata cell anywhere in the window
 * gives nodata, border cells are nodata, and with edges on, missing neighbours are extrapolated 2a − b from the two
 * cells inward (the missing column duplicated on the first and last rows) and nodata neighbours take the centre's
 * value; the arithmetic is gdaldem's float32. demgrad's (the default), exact on a plane: a missing neighbour
 * (outside the DEM or nodata) is mirrored through the centre, 2z₀ − z₋ᵢ from the opposite neighbour, so a mirrored
 * difference is as large as a real one; a pair missing both sides takes the plane through the centre that fits the
 * other pairs, or, where they span one direction only, is left out and the means are over the neighbours present.
 * Only a nodata centre, or no neighbour at all, gives nodata.
 */
import { nativeKernels } from "../native.js";
import { exceptionColumns } from "./east-north.js";
import type { ElevationStrip } from "./types.js";

export type NeighbourhoodMeasure = "tri-riley" | "tri-wilson" | "tpi" | "roughness";

/** The cells to produce: rows [firstRow, firstRow + rows) and columns [x, x + width) of the strip's DEM. */
export interface NeighbourhoodCells {
  /** Elevations in stored units, NaN = nodata, with a row of halo where the DEM has one. */
  strip: ElevationStrip;
  firstRow: number;
  rows: number;
  x: number;
  width: number;
}

export interface NeighbourhoodOptions {
  measure: NeighbourhoodMeasure;
  /** gdaldem 3.6's border and nodata rules and float32 arithmetic (true), or demgrad's mirrored neighbours. */
  gdaldem: boolean;
  /** Compute the DEM's border cells (false: they are nodata, classic gdaldem). */
  edges: boolean;
  nodata: number;
}

/** The window as the measures read it: w[4] is the centre, w[k] and w[8 − k] are opposite, NaN = left out. */
type Measure = (w: Float64Array, neighbours: number) => number;

const f32 = Math.fround;

/** gdaldem's measures, in its float32 arithmetic (every cell of the window present). */
const GDALDEM_MEASURES: Record<NeighbourhoodMeasure, Measure> = {
  // The differences in float, their squares and sum in double.
  "tri-riley": (w) => {
    let sum = 0;
    for (let k = 0; k < 9; k++) {
      const d = f32(w[k]! - w[4]!);
      sum += d * d;
    }
    return Math.sqrt(sum);
  },
  "tri-wilson": (w) => {
    let sum = 0;
    for (let k = 0; k < 9; k++) if (k !== 4) sum = f32(sum + Math.abs(f32(w[k]! - w[4]!)));
    return f32(sum * 0.125);
  },
  tpi: (w) => {
    let sum = w[0]!;
    for (let k = 1; k < 9; k++) if (k !== 4) sum = f32(sum + w[k]!);
    return f32(w[4]! - f32(sum * 0.125));
  },
  roughness: (w) => f32(range(w)),
};

/** demgrad's measures in double, over the neighbours present (`neighbours` of them, NaN for the others). */
const MEASURES: Record<NeighbourhoodMeasure, Measure> = {
  // Scaled to 8 neighbours, so a window with a pair left out reads like a full one.
  "tri-riley": (w, neighbours) => {
    let sum = 0;
    for (let k = 0; k < 9; k++) {
      const d = w[k]! - w[4]!;
      if (d === d) sum += d * d;
    }
    return Math.sqrt((sum * 8) / neighbours);
  },
  "tri-wilson": (w, neighbours) => {
    let sum = 0;
    for (let k = 0; k < 9; k++) {
      const d = Math.abs(w[k]! - w[4]!);
      if (d === d) sum += d;
    }
    return sum / neighbours;
  },
  tpi: (w, neighbours) => {
    let sum = 0;
    for (let k = 0; k < 9; k++) if (k !== 4 && w[k] === w[k]) sum += w[k]!;
    return w[4]! - sum / neighbours;
  },
  roughness: range,
};

/** The largest minus the smallest cell present. */
function range(w: Float64Array): number {
  let min = w[4]!;
  let max = min;
  for (let k = 0; k < 9; k++) {
    const v = w[k]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

/**
 * The measure's kernel: fills `out` (rows × width) for the cells, each value times `scale` (metres per stored unit,
 * or 1 for the file's unit), nodata where undefined. One scratch window per kernel (a kernel serves one thread).
 *
 * @example
 * ```ts
 * const tri = neighbourhoodKernel({ measure: "tri-riley", gdaldem: false, edges: true, nodata: -9999 });
 * tri({ strip, firstRow: 0, rows: 16, x: 0, width: strip.width }, 1, new Float32Array(16 * strip.width));
 * ```
 */
export function neighbourhoodKernel(
  options: NeighbourhoodOptions,
): (cells: NeighbourhoodCells, scale: number, out: Float32Array) => Float32Array {
  const { gdaldem, edges, nodata } = options;
  const measure = (gdaldem ? GDALDEM_MEASURES : MEASURES)[options.measure];
  const kind = KINDS.indexOf(options.measure);
  const native = nativeKernels();
  const w = new Float64Array(9);
  return ({ strip, firstRow, rows, x, width }, scale, out) => {
    const { data, width: stripWidth, demHeight } = strip;
    // gdaldem computes no border cell of a DEM less than 2 cells wide or high, even with edges.
    const borders = edges && (!gdaldem || (stripWidth >= 2 && demHeight >= 2));
    /** Output cell c of strip row `row` (at offset `mid`), written at `o + c`. */
    const cell = (row: number, mid: number, o: number, c: number) => {
      const borderRow = row === 0 || row === demHeight - 1;
      const col = x + c;
      const i = mid + col;
      let neighbours = 0;
      if (data[i] === data[i]) {
        if (!borderRow && col > 0 && col < stripWidth - 1) {
          w[0] = data[i - stripWidth - 1]!;
          w[1] = data[i - stripWidth]!;
          w[2] = data[i - stripWidth + 1]!;
          w[3] = data[i - 1]!;
          w[4] = data[i]!;
          w[5] = data[i + 1]!;
          w[6] = data[i + stripWidth - 1]!;
          w[7] = data[i + stripWidth]!;
          w[8] = data[i + stripWidth + 1]!;
          const sum = w[0]! + w[1]! + w[2]! + w[3]! + w[5]! + w[6]! + w[7]! + w[8]!;
          if (sum === sum) {
            neighbours = 8;
            if (gdaldem) for (let j = 0; j < 9; j++) w[j] = f32(w[j]!);
          } else neighbours = gdaldem ? gdaldemHoles(w, edges) : completeWindow(w);
        } else if (borders) {
          if (gdaldem) {
            gdaldemBorder(w, strip, row, col);
            neighbours = gdaldemHoles(w, true);
          } else {
            gatherWithin(w, strip, row, col);
            neighbours = completeWindow(w);
          }
        }
      }
      out[o + c] = neighbours > 0 ? measure(w, neighbours) * scale : nodata;
    };
    const exceptions = exceptionColumns(native ? stripWidth : 0);
    for (let k = 0; k < rows; k++) {
      const row = firstRow + k;
      const mid = (row - strip.firstRow) * stripWidth;
      const o = k * width;
      // Columns with all eight neighbours inside the DEM: in C where the native kernels load, by the same rules.
      const from = Math.max(x, 1);
      const to = Math.min(x + width, stripWidth - 1);
      if (!native || row === 0 || row === demHeight - 1 || from >= to) {
        for (let c = 0; c < width; c++) cell(row, mid, o, c);
        continue;
      }
      for (let col = x; col < from; col++) cell(row, mid, o, col - x);
      for (let col = to; col < x + width; col++) cell(row, mid, o, col - x);
      const view = out.subarray(o, o + width);
      const found = native.neighbourhoodRow(
        data,
        stripWidth,
        mid,
        x,
        from,
        to,
        kind,
        gdaldem,
        scale,
        nodata,
        view,
        exceptions,
      );
      for (let j = 0; j < found; j++) cell(row, mid, o, exceptions[j]! - x);
    }
    return out;
  };
}

/** The measures in the native kernels' numbering. */
const KINDS: NeighbourhoodMeasure[] = ["tri-riley", "tri-wilson", "tpi", "roughness"];

function gdaldemHoles(w: Float64Array, edges: boolean): number {
  w[4] = f32(w[4]!);
  for (let k = 0; k < 9; k++) {
    const v = w[k]!;
    if (v !== v) {
      if (!edges) return 0;
      w[k] = w[4]!;
    } else w[k] = f32(v);
  }
  return 8;
}

/** Row and column steps from w[k] to its opposite w[8 − k], for the pairs k = 0…3. */
const PAIR_ROW = [1, 1, 1, 0];
const PAIR_COL = [1, 0, -1, 1];

/**
 * demgrad's rule, exact on a plane: a missing neighbour (NaN) whose opposite is present becomes the opposite's
 * mirror image through the centre; a pair missing both sides takes the values of the plane through the centre
 * fitted (least squares) to the other pairs' slopes, or is left out when they span one direction only. Returns the
 * neighbours present.
 */
function completeWindow(w: Float64Array): number {
  const centre = w[4]!;
  let missingPairs = 0;
  // The normal equations of the slopes (per cell step) along the rows and columns, from the pairs present.
  let rr = 0;
  let rc = 0;
  let cc = 0;
  let rs = 0;
  let cs = 0;
  for (let k = 0; k < 4; k++) {
    const a = w[k]!;
    const b = w[8 - k]!;
    if (a !== a && b !== b) {
      missingPairs++;
      continue;
    }
    if (a !== a) w[k] = 2 * centre - b;
    else if (b !== b) w[8 - k] = 2 * centre - a;
    const dr = PAIR_ROW[k]!;
    const dc = PAIR_COL[k]!;
    const slope = (w[8 - k]! - w[k]!) / 2;
    rr += dr * dr;
    rc += dr * dc;
    cc += dc * dc;
    rs += dr * slope;
    cs += dc * slope;
  }
  if (missingPairs === 0) return 8;
  const det = rr * cc - rc * rc;
  if (det === 0) return 8 - 2 * missingPairs;
  const rowSlope = (rs * cc - cs * rc) / det;
  const colSlope = (cs * rr - rs * rc) / det;
  for (let k = 0; k < 4; k++) {
    if (w[k] === w[k]) continue;
    const rise = PAIR_ROW[k]! * rowSlope + PAIR_COL[k]! * colSlope;
    w[k] = centre - rise;
    w[8 - k] = centre + rise;
  }
  return 8;
}

/** The window of a border cell, NaN outside the DEM. */
function gatherWithin(w: Float64Array, strip: ElevationStrip, row: number, col: number): void {
  const { data, width, demHeight, firstRow } = strip;
  for (let dr = -1; dr <= 1; dr++) {
    const r = row + dr;
    for (let dc = -1; dc <= 1; dc++) {
      const c = col + dc;
      const inside = r >= 0 && r < demHeight && c >= 0 && c < width;
      w[(dr + 1) * 3 + dc + 1] = inside ? data[(r - firstRow) * width + c]! : Number.NaN;
    }
  }
}

/** gdaldem's INTERPOL: 2a − b in float32, nodata if either is. */
const extrapolate = (a: number, b: number) => f32(2 * a - b);

/**
 * gdaldem's -compute_edges window of a border cell, in float32 (NaN stays nodata): on the first and last rows the
 * row outside is extrapolated from the two rows inward and a column outside duplicates the border column; on the
 * other rows a column outside is extrapolated from the two columns inward.
 */
function gdaldemBorder(w: Float64Array, strip: ElevationStrip, row: number, col: number): void {
  const { data, width, demHeight, firstRow } = strip;
  const at = (r: number, c: number) => f32(data[(r - firstRow) * width + c]!);
  const borderRow = row === 0 || row === demHeight - 1;
  for (let dr = -1; dr <= 1; dr++) {
    const r = row + dr;
    const ar = r < 0 ? 0 : r >= demHeight ? demHeight - 1 : r;
    for (let dc = -1; dc <= 1; dc++) {
      let c = col + dc;
      const ac = c < 0 ? 0 : c >= width ? width - 1 : c;
      if (borderRow) c = ac;
      w[(dr + 1) * 3 + dc + 1] =
        ar !== r
          ? extrapolate(at(ar, c), at(2 * ar - r, c))
          : ac !== c
            ? extrapolate(at(r, ac), at(r, 2 * ac - c))
            : at(r, c);
    }
  }
}
