/**
 * Resampling into tile pixels: where each tile pixel centre falls in the DEM (exact inverse projection, or a
 * bilinear interpolation of it that is checked to stay within a fraction of a pixel), and bilinear sampling of a
 * grid there.
 */
import { HALF_WORLD, mercatorToLonLat, pixelMetres } from "./mercator.js";
import type { DemProjection } from "./projection.js";

/** A window of the pixel grid of zoom `z` (the whole world is `tileSize · 2^z` pixels square). */
export interface PixelWindow {
  z: number;
  tileSize: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** DEM pixel coordinates of every pixel centre of a window, row-major. */
export interface SourceCoordinates {
  col: Float64Array;
  row: Float64Array;
}

/**
 * Interpolation cells are squares of the zoom's whole pixel grid (so every window sees the same cells and the same
 * interpolated coordinates): this many pixels a side at first, halved where the check fails, down to the smallest,
 * below which pixels are computed exactly.
 */
const LARGEST_CELL = 64;
const SMALLEST_CELL = 16;
/** Check points of a cell, as fractions of its side: the centre and the midpoints of the four edges. */
const CHECKS = [0.5, 0.5, 0, 0.5, 1, 0.5, 0.5, 0, 0.5, 1];
/** The points of a cell computed exactly: its four corners and the check points. */
const CELL_POINTS = [0, 0, 1, 0, 0, 1, 1, 1, ...CHECKS];
/** Largest error of the interpolated coordinates accepted, in DEM pixels (the issue allows < 0.05). */
export const COORDINATE_TOLERANCE = 0.02;

/**
 * Exact DEM pixel coordinates of the zoom grid's pixel centres. Longitude depends on the column only and latitude on
 * the row only, so each is computed once. Columns and rows count from the window's origin and may lie up to a cell
 * beyond the window (the corners and check points of the cells it overlaps), which `prepare` computes and keeps.
 */
class ExactProjector {
  private readonly res: number;
  private readonly lons: Float64Array;
  private readonly lats: Float64Array;
  private readonly memo = new Map<number, readonly [number, number]>();
  private readonly span: number;

  constructor(
    private readonly window: PixelWindow,
    private readonly projection: DemProjection,
  ) {
    this.res = pixelMetres(window.z, window.tileSize);
    this.lons = new Float64Array(window.width + 2 * LARGEST_CELL + 1).fill(Number.NaN);
    this.lats = new Float64Array(window.height + 2 * LARGEST_CELL + 1).fill(Number.NaN);
    this.span = window.width + 2 * LARGEST_CELL + 1;
  }

  /** Exact coordinates of pixel (i, j). */
  direct(i: number, j: number): readonly [number, number] {
    let lon = this.lons[i + LARGEST_CELL]!;
    if (lon !== lon) {
      lon = mercatorToLonLat(-HALF_WORLD + (this.window.x + i + 0.5) * this.res, 0)[0];
      this.lons[i + LARGEST_CELL] = lon;
    }
    let lat = this.lats[j + LARGEST_CELL]!;
    if (lat !== lat) {
      lat = mercatorToLonLat(0, HALF_WORLD - (this.window.y + j + 0.5) * this.res)[1];
      this.lats[j + LARGEST_CELL] = lat;
    }
    return this.projection.toPixel(lon, lat);
  }

  /**
   * Computes the corners and check points of cells — (i0, j0, size) triples — that are not known yet. Kept apart
   * from the cells' interpolation, so that proj4's code is compiled into this loop only, not into that one.
   */
  prepare(cells: readonly number[]): void {
    for (let k = 0; k < cells.length; k += 3) {
      const [i0, j0, size] = [cells[k]!, cells[k + 1]!, cells[k + 2]!];
      if (size < SMALLEST_CELL) continue;
      for (let p = 0; p < CELL_POINTS.length; p += 2) {
        const i = i0 + CELL_POINTS[p]! * size;
        const j = j0 + CELL_POINTS[p + 1]! * size;
        const key = this.key(i, j);
        if (!this.memo.has(key)) this.memo.set(key, this.direct(i, j));
      }
    }
  }

  /** The exact coordinates of a point `prepare` computed. */
  at(i: number, j: number): readonly [number, number] {
    return this.memo.get(this.key(i, j))!;
  }

  private key(i: number, j: number): number {
    return (j + LARGEST_CELL) * this.span + i + LARGEST_CELL;
  }
}

/**
 * The DEM pixel coordinates of a window's pixel centres. With `approximate` (default), the inverse projection is
 * computed exactly at the corners of square cells of the zoom's pixel grid (64 pixels a side) and interpolated
 * bilinearly inside them. Each cell is checked at its centre and at the midpoints of its four edges, where the
 * interpolation of a smooth mapping is worst: a cell off by more than `tolerance` DEM pixels there is split into
 * four, down to 16 pixels, and below that computed exactly. The cells belong to the zoom's grid, not to
 * the window, so a tile gets the very coordinates a larger window gets for its pixels. `out` (of the window's size)
 * is filled instead of new arrays.
 */
export function sourceCoordinates(
  window: PixelWindow,
  projection: DemProjection,
  approximate = true,
  out?: SourceCoordinates,
  tolerance = COORDINATE_TOLERANCE,
): SourceCoordinates {
  const { width, height } = window;
  const exact = new ExactProjector(window, projection);
  const coords: SourceCoordinates = {
    col: out?.col.length === width * height ? out.col : new Float64Array(width * height),
    row: out?.row.length === width * height ? out.row : new Float64Array(width * height),
  };
  if (!approximate) {
    fillExact(coords, window, exact, 0, 0, Math.max(width, height));
    return coords;
  }
  // Cells to fill, as (i0, j0, size) triples in window coordinates: first the zoom grid's cells over the window,
  // then the quarters of those that failed their check, and so on.
  let cells: number[] = [];
  const firstI = Math.floor(window.x / LARGEST_CELL) * LARGEST_CELL - window.x;
  const firstJ = Math.floor(window.y / LARGEST_CELL) * LARGEST_CELL - window.y;
  for (let j0 = firstJ; j0 < height; j0 += LARGEST_CELL) {
    for (let i0 = firstI; i0 < width; i0 += LARGEST_CELL) cells.push(i0, j0, LARGEST_CELL);
  }
  while (cells.length > 0) {
    exact.prepare(cells);
    const failed: number[] = [];
    for (let k = 0; k < cells.length; k += 3) {
      const [i0, j0, size] = [cells[k]!, cells[k + 1]!, cells[k + 2]!];
      if (size < SMALLEST_CELL) fillExact(coords, window, exact, i0, j0, size);
      else if (!fillInterpolated(coords, window, exact, i0, j0, size, tolerance)) {
        const half = size / 2;
        failed.push(i0, j0, half, i0 + half, j0, half, i0, j0 + half, half, i0 + half, j0 + half, half);
      }
    }
    cells = failed;
  }
  return coords;
}

/** Fills the window's pixels of the cell of `size` pixels at (i0, j0) with exact coordinates. */
function fillExact(
  { col, row }: SourceCoordinates,
  { width, height }: PixelWindow,
  exact: ExactProjector,
  i0: number,
  j0: number,
  size: number,
): void {
  for (let j = Math.max(0, j0); j < Math.min(height, j0 + size); j++) {
    for (let i = Math.max(0, i0); i < Math.min(width, i0 + size); i++) {
      const [c, r] = exact.direct(i, j);
      col[j * width + i] = c;
      row[j * width + i] = r;
    }
  }
}

/**
 * Fills the window's pixels of the cell of `size` pixels at (i0, j0) with coordinates interpolated bilinearly
 * between its corners, if they pass the check; returns whether they did (else nothing is written).
 */
function fillInterpolated(
  { col, row }: SourceCoordinates,
  { width, height }: PixelWindow,
  exact: ExactProjector,
  i0: number,
  j0: number,
  size: number,
  tolerance: number,
): boolean {
  const [c00, r00] = exact.at(i0, j0);
  const [c10, r10] = exact.at(i0 + size, j0);
  const [c01, r01] = exact.at(i0, j0 + size);
  const [c11, r11] = exact.at(i0 + size, j0 + size);
  for (let k = 0; k < CHECKS.length; k += 2) {
    const u = CHECKS[k]!;
    const w = CHECKS[k + 1]!;
    const [ec, er] = exact.at(i0 + u * size, j0 + w * size);
    const c = (1 - w) * ((1 - u) * c00 + u * c10) + w * ((1 - u) * c01 + u * c11);
    const r = (1 - w) * ((1 - u) * r00 + u * r10) + w * ((1 - u) * r01 + u * r11);
    if (!(Math.hypot(c - ec, r - er) <= tolerance)) return false;
  }
  for (let j = Math.max(0, j0); j < Math.min(height, j0 + size); j++) {
    const w = (j - j0) / size;
    const colLeft = c00 + w * (c01 - c00);
    const colStep = (c10 + w * (c11 - c10) - colLeft) / size;
    const rowLeft = r00 + w * (r01 - r00);
    const rowStep = (r10 + w * (r11 - r10) - rowLeft) / size;
    for (let i = Math.max(0, i0); i < Math.min(width, i0 + size); i++) {
      col[j * width + i] = colLeft + (i - i0) * colStep;
      row[j * width + i] = rowLeft + (i - i0) * rowStep;
    }
  }
  return true;
}

/** A grid of values, NaN = nodata. */
export interface Grid {
  data: Float32Array | Float64Array;
  width: number;
  height: number;
}

/**
 * Bilinear samples of `grid` at `coords` scaled to the grid (`col · scale + offset`, for overview levels), into
 * `out`. Outside the grid's outer pixel edges, and where the nearest cell is nodata, the sample is NaN; next to
 * nodata the valid neighbours' weights are renormalised (as GDAL does), so the footprint equals the nearest
 * neighbour's.
 */
export function sampleBilinear(
  grid: Grid,
  coords: SourceCoordinates,
  out: Float32Array | Float64Array,
  scale = 1,
  offset = 0,
): void {
  const { data, width, height } = grid;
  const { col, row } = coords;
  const lastCol = width - 1;
  const lastRow = height - 1;
  for (let k = 0; k < out.length; k++) {
    const c = col[k]! * scale + offset;
    const r = row[k]! * scale + offset;
    // Inside, with the 2×2 footprint in the grid: one NaN among the four makes the sum NaN, so a valid sum needs
    // no test of its own.
    if (c >= 0 && r >= 0 && c < lastCol && r < lastRow) {
      const c0 = Math.floor(c);
      const r0 = Math.floor(r);
      const u = c - c0;
      const v = r - r0;
      const at = r0 * width + c0;
      const value =
        (1 - v) * ((1 - u) * data[at]! + u * data[at + 1]!) +
        v * ((1 - u) * data[at + width]! + u * data[at + width + 1]!);
      if (value === value) {
        out[k] = value;
        continue;
      }
    }
    out[k] = sampleAtEdge(grid, c, r);
  }
}

/** A bilinear sample at the grid's border, beyond it or next to nodata (see `sampleBilinear`). */
function sampleAtEdge(grid: Grid, c: number, r: number): number {
  const { data, width, height } = grid;
  if (!(c >= -0.5 && c <= width - 0.5 && r >= -0.5 && r <= height - 0.5)) return Number.NaN;
  const cc = Math.min(Math.max(c, 0), width - 1);
  const rc = Math.min(Math.max(r, 0), height - 1);
  const c0 = Math.min(Math.floor(cc), Math.max(0, width - 2));
  const r0 = Math.min(Math.floor(rc), Math.max(0, height - 2));
  const c1 = Math.min(c0 + 1, width - 1);
  const r1 = Math.min(r0 + 1, height - 1);
  const u = cc - c0;
  const v = rc - r0;
  const v00 = data[r0 * width + c0]!;
  const v10 = data[r0 * width + c1]!;
  const v01 = data[r1 * width + c0]!;
  const v11 = data[r1 * width + c1]!;
  if (v00 === v00 && v10 === v10 && v01 === v01 && v11 === v11) {
    return (1 - v) * ((1 - u) * v00 + u * v10) + v * ((1 - u) * v01 + u * v11);
  }
  const nearest = data[Math.min(height - 1, Math.round(r)) * width + Math.min(width - 1, Math.round(c))]!;
  if (nearest !== nearest) return Number.NaN;
  // Next to nodata: the valid neighbours' weights, renormalised.
  const w00 = v00 === v00 ? (1 - u) * (1 - v) : 0;
  const w10 = v10 === v10 ? u * (1 - v) : 0;
  const w01 = v01 === v01 ? (1 - u) * v : 0;
  const w11 = v11 === v11 ? u * v : 0;
  const weight = w00 + w10 + w01 + w11;
  const sum = (w00 ? w00 * v00 : 0) + (w10 ? w10 * v10 : 0) + (w01 ? w01 * v01 : 0) + (w11 ? w11 * v11 : 0);
  return weight > 0 ? sum / weight : nearest;
}

/**
 * The next overview level of a grid: each cell the mean of the valid cells of a 2×2 block (NaN when none is valid).
 * Cell (i, j) of level L is centred on level-0 coordinates (i + 0.5) · 2^L − 0.5.
 */
export function halve(grid: Grid): Grid {
  const width = Math.ceil(grid.width / 2);
  const height = Math.ceil(grid.height / 2);
  const data = new Float32Array(width * height);
  const src = grid.data;
  const stride = grid.width;
  for (let j = 0; j < height; j++) {
    const top = 2 * j * stride;
    const twoRows = 2 * j + 1 < grid.height;
    for (let i = 0; i < width; i++) {
      const c = 2 * i;
      // A whole block of four valid cells, summed in the order of the general case below.
      if (twoRows && c + 1 < stride) {
        const sum = src[top + c]! + src[top + c + 1]! + src[top + stride + c]! + src[top + stride + c + 1]!;
        if (sum === sum) {
          data[j * width + i] = sum / 4;
          continue;
        }
      }
      let sum = 0;
      let n = 0;
      for (let dj = 0; dj < 2; dj++) {
        const r = 2 * j + dj;
        if (r >= grid.height) continue;
        for (let di = 0; di < 2; di++) {
          if (c + di >= stride) continue;
          const v = src[r * stride + c + di]!;
          if (v === v) {
            sum += v;
            n++;
          }
        }
      }
      data[j * width + i] = n > 0 ? sum / n : Number.NaN;
    }
  }
  return { data, width, height };
}
