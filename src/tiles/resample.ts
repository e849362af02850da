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

/** Interpolation nodes every this many pixels; cells whose error check fails are computed exactly. */
const NODE_STEP = 16;
/** Largest error of the interpolated coordinates accepted, in DEM pixels (the issue allows < 0.05). */
export const COORDINATE_TOLERANCE = 0.02;

/**
 * Exact DEM pixel coordinates of window pixel centres: longitude depends on the column only and latitude on the row
 * only, so they are computed once per column and row.
 */
function exactProjector(
  window: PixelWindow,
  projection: DemProjection,
): (i: number, j: number) => [number, number] {
  const res = pixelMetres(window.z, window.tileSize);
  const lon = new Float64Array(window.width);
  const lat = new Float64Array(window.height);
  for (let i = 0; i < window.width; i++)
    lon[i] = mercatorToLonLat(-HALF_WORLD + (window.x + i + 0.5) * res, 0)[0];
  for (let j = 0; j < window.height; j++)
    lat[j] = mercatorToLonLat(0, HALF_WORLD - (window.y + j + 0.5) * res)[1];
  return (i, j) => projection.toPixel(lon[i]!, lat[j]!);
}

/** Node positions along an axis of `n` pixels: every `NODE_STEP` pixels, and the last pixel. */
function nodePositions(n: number): number[] {
  const nodes: number[] = [];
  for (let i = 0; i < n - 1; i += NODE_STEP) nodes.push(i);
  nodes.push(n - 1);
  return nodes;
}

/**
 * The DEM pixel coordinates of a window's pixel centres. With `approximate` (default), the inverse projection is
 * computed exactly on nodes every 16 pixels and interpolated bilinearly in between; a cell whose interpolated
 * centre or edge midpoints are off by more than `COORDINATE_TOLERANCE` pixels from the exact ones is computed
 * exactly throughout. `out` (of the window's size) is filled instead of new arrays.
 */
export function sourceCoordinates(
  window: PixelWindow,
  projection: DemProjection,
  approximate = true,
  out?: SourceCoordinates,
): SourceCoordinates {
  const { width, height } = window;
  const exact = exactProjector(window, projection);
  const col = out?.col.length === width * height ? out.col : new Float64Array(width * height);
  const row = out?.row.length === width * height ? out.row : new Float64Array(width * height);
  const exactCell = (i0: number, i1: number, j0: number, j1: number) => {
    for (let j = j0; j < j1; j++) {
      for (let i = i0; i < i1; i++) {
        const [c, r] = exact(i, j);
        col[j * width + i] = c;
        row[j * width + i] = r;
      }
    }
  };
  if (!approximate) {
    exactCell(0, width, 0, height);
    return { col, row };
  }
  const xs = nodePositions(width);
  const ys = nodePositions(height);
  const nodeCol = new Float64Array(xs.length * ys.length);
  const nodeRow = new Float64Array(xs.length * ys.length);
  for (let b = 0; b < ys.length; b++) {
    for (let a = 0; a < xs.length; a++) {
      [nodeCol[b * xs.length + a], nodeRow[b * xs.length + a]] = exact(xs[a]!, ys[b]!);
    }
  }
  const cellsX = Math.max(1, xs.length - 1);
  const cellsY = Math.max(1, ys.length - 1);
  for (let b = 0; b < cellsY; b++) {
    const b1 = Math.min(b + 1, ys.length - 1);
    const j0 = ys[b]!;
    const j1 = b === cellsY - 1 ? height : ys[b1]!;
    const jSpan = Math.max(1, ys[b1]! - j0);
    for (let a = 0; a < cellsX; a++) {
      const a1 = Math.min(a + 1, xs.length - 1);
      const i0 = xs[a]!;
      const i1 = a === cellsX - 1 ? width : xs[a1]!;
      const iSpan = Math.max(1, xs[a1]! - i0);
      const n00 = b * xs.length + a;
      const n10 = b * xs.length + a1;
      const n01 = b1 * xs.length + a;
      const n11 = b1 * xs.length + a1;
      const lerp = (v: Float64Array, u: number, w: number) =>
        (1 - w) * ((1 - u) * v[n00]! + u * v[n10]!) + w * ((1 - u) * v[n01]! + u * v[n11]!);
      // Check the cell's centre and the midpoints of its four edges, where bilinear interpolation of a smooth
      // mapping is worst (along an edge it is linear between two nodes).
      const ic = Math.floor(i0 + iSpan / 2);
      const jc = Math.floor(j0 + jSpan / 2);
      let worst = 0;
      for (const [i, j] of [
        [ic, jc],
        [i0, jc],
        [i0 + iSpan, jc],
        [ic, j0],
        [ic, j0 + jSpan],
      ] as const) {
        const [ec, er] = exact(Math.min(i, width - 1), Math.min(j, height - 1));
        const u = (Math.min(i, width - 1) - i0) / iSpan;
        const w = (Math.min(j, height - 1) - j0) / jSpan;
        worst = Math.max(worst, Math.hypot(lerp(nodeCol, u, w) - ec, lerp(nodeRow, u, w) - er));
      }
      if (!(worst <= COORDINATE_TOLERANCE)) {
        exactCell(i0, i1, j0, j1);
        continue;
      }
      const [c00, c10, c01, c11] = [nodeCol[n00]!, nodeCol[n10]!, nodeCol[n01]!, nodeCol[n11]!];
      const [r00, r10, r01, r11] = [nodeRow[n00]!, nodeRow[n10]!, nodeRow[n01]!, nodeRow[n11]!];
      for (let j = j0; j < j1; j++) {
        const w = (j - j0) / jSpan;
        const colLeft = c00 + w * (c01 - c00);
        const colStep = (c10 + w * (c11 - c10) - colLeft) / iSpan;
        const rowLeft = r00 + w * (r01 - r00);
        const rowStep = (r10 + w * (r11 - r10) - rowLeft) / iSpan;
        for (let i = i0; i < i1; i++) {
          col[j * width + i] = colLeft + (i - i0) * colStep;
          row[j * width + i] = rowLeft + (i - i0) * rowStep;
        }
      }
    }
  }
  return { col, row };
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
  for (let k = 0; k < out.length; k++) {
    const c = coords.col[k]! * scale + offset;
    const r = coords.row[k]! * scale + offset;
    if (!(c >= -0.5 && c <= width - 0.5 && r >= -0.5 && r <= height - 0.5)) {
      out[k] = Number.NaN;
      continue;
    }
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
      out[k] = (1 - v) * ((1 - u) * v00 + u * v10) + v * ((1 - u) * v01 + u * v11);
      continue;
    }
    const nearest = data[Math.min(height - 1, Math.round(r)) * width + Math.min(width - 1, Math.round(c))]!;
    if (nearest !== nearest) {
      out[k] = Number.NaN;
      continue;
    }
    // Next to nodata: the valid neighbours' weights, renormalised.
    const w00 = v00 === v00 ? (1 - u) * (1 - v) : 0;
    const w10 = v10 === v10 ? u * (1 - v) : 0;
    const w01 = v01 === v01 ? (1 - u) * v : 0;
    const w11 = v11 === v11 ? u * v : 0;
    const weight = w00 + w10 + w01 + w11;
    const sum = (w00 ? w00 * v00 : 0) + (w10 ? w10 * v10 : 0) + (w01 ? w01 * v01 : 0) + (w11 ? w11 * v11 : 0);
    out[k] = weight > 0 ? sum / weight : nearest;
  }
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
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      let sum = 0;
      let n = 0;
      for (let dj = 0; dj < 2; dj++) {
        const r = 2 * j + dj;
        if (r >= grid.height) continue;
        for (let di = 0; di < 2; di++) {
          const c = 2 * i + di;
          if (c >= grid.width) continue;
          const v = src[r * grid.width + c]!;
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
