/**
 * The spacing model (DESIGN §3): ground metres between neighbouring pixel centres, and the bearing of grid north.
 * Modes: `ground` (true distances on the CRS ellipsoid), `nominal` (gdaldem's pixel size), explicit scales.
 */

import { createRequire } from "node:module";
import type GeographicLib from "geographiclib-geodesic";
import { GeorefError, type WarningHandler } from "../errors.js";
import { nativeKernels } from "../native.js";
import { type Ellipsoid, meridianArc, primeVerticalRadius } from "./ellipsoid.js";
import { proj4, withoutDatumShift } from "./proj4-definition.js";
import type { Georef, GeoTransform, SpacingModel } from "./types.js";

let geographiclibModule: typeof GeographicLib | undefined;

/** geographiclib, loaded on first use: only sampled (projected or rotated) grids measure geodesics. */
function geographiclib(): typeof GeographicLib {
  geographiclibModule ??= createRequire(import.meta.url)("geographiclib-geodesic") as typeof GeographicLib;
  return geographiclibModule;
}

export interface SpacingOptions {
  mode?: "ground" | "nominal";
  /** Explicit scales (both or neither), gdaldem style: vertical units per horizontal unit. Override `mode`. */
  xscale?: number | undefined;
  yscale?: number | undefined;
  warn?: WarningHandler;
  /**
   * A window of the georef's grid: the model then covers only the window (rows and columns counted from its corner)
   * with exactly the values the whole grid's model gives there — so tiles of a mosaic agree with the mosaic.
   */
  window?: { x: number; y: number; width: number; height: number } | undefined;
  /**
   * The most rows a caller visits together (a strip and its halo; default 1032): the sampled model keeps the
   * coarse rows that span them, so none is computed twice and memory does not grow with the raster's height.
   */
  rowsInUse?: number | undefined;
}

const WHAT_TO_PASS = "pass --xscale/--yscale (or -s) or --spacing nominal";
const MODES = ["ground", "nominal"] as const;

type Window = { x: number; y: number; width: number; height: number };

/**
 * Creates the spacing model of a raster. Rotated and sheared geotransforms are supported: the model's `frame` then
 * says how the pixel steps lie on the ground (as it does for projections whose axes are not east and north).
 *
 * @example
 * ```ts
 * import { readDem, spacingModel } from "demgrad";
 * const dem = await readDem("N43E006.tiff");
 * const model = spacingModel(dem.georef);            // true ground metres
 * const dx = new Float64Array(dem.width - 1);
 * model.xSteps(0, dx);                                // metres between the first row's pixel centres
 * ```
 */
export function spacingModel(georef: Georef, options: SpacingOptions = {}): SpacingModel {
  const { geoTransform: gt, crs } = georef;
  const mode = options.mode ?? "ground";
  if (!(MODES as readonly unknown[]).includes(mode)) {
    throw new RangeError(`Expected one of ${MODES.join(", ")} for mode but received ${JSON.stringify(mode)}`);
  }
  const scales = explicitScales(options);
  const window = options.window ?? { x: 0, y: 0, width: georef.width, height: georef.height };
  const warn = options.warn ?? (() => {});
  if (gt) checkGeoTransform(gt, georef);
  if (scales) return linearModel("explicit", window, gt ?? [0, 1, 0, 0, 0, -1], scales[0], scales[1]);
  if (!gt || crs.kind === "none" || crs.kind === "local") {
    if (mode === "nominal") {
      const unit = crs.linearUnit;
      if (!gt) warn("the raster has no geotransform: each pixel step is taken as 1 metre");
      else if (unit === undefined) warn("the raster's CRS has no known unit: grid units are taken as metres");
      return linearModel("nominal", window, gt ?? [0, 1, 0, 0, 0, -1], unit ?? 1, unit ?? 1);
    }
    const what = !gt
      ? "no georeferencing (no geotransform)"
      : crs.problem
        ? `${crs.problem}: ground distances are unknown`
        : "local or unknown CRS: ground distances are unknown";
    throw new GeorefError(`${what}: ${WHAT_TO_PASS}`);
  }
  const ellipsoid = crs.ellipsoid ?? { a: 6378137, rf: 298.257223563 };
  if (crs.kind === "geographic") {
    const angular = crs.angularUnit ?? Math.PI / 180;
    checkLatitudes(gt, georef, angular);
    if (mode === "nominal") {
      // GDAL ≥ 3.11's automatic scale for geographic rasters.
      const yscale = angular * ellipsoid.a;
      const centreLat = (gt[3] + (georef.width * gt[4]) / 2 + (georef.height * gt[5]) / 2) * angular;
      if (Math.abs(centreLat) > (80 * Math.PI) / 180)
        warn("nominal spacing is inaccurate beyond 80° of latitude");
      return linearModel("nominal", window, gt, yscale, yscale, Math.cos(centreLat));
    }
    if (!isRotated(gt)) return geographicModel(gt, window, ellipsoid, angular);
    const toDegrees = (angular * 180) / Math.PI;
    const metresPerUnit = angular * ellipsoid.a;
    const lonLat = (x: number, y: number): [number, number] => [x * toDegrees, y * toDegrees];
    return sampledModel(gt, georef, window, lonLat, metresPerUnit, ellipsoid, warn, options.rowsInUse);
  }
  const unit = crs.linearUnit ?? 1;
  if (mode === "nominal") return linearModel("nominal", window, gt, unit, unit);
  const toLonLat = proj4()(withoutDatumShift(crs.proj4!), "EPSG:4326");
  const factor = crs.coordinateFactor ?? 1;
  const project = (x: number, y: number): [number, number] => {
    const [lon, lat] = toLonLat.forward([x * factor, y * factor]);
    return [lon!, lat!];
  };
  return sampledModel(gt, georef, window, project, unit, ellipsoid, warn, options.rowsInUse);
}

const isRotated = (gt: GeoTransform) => gt[2] !== 0 || gt[4] !== 0;

/** Both explicit scales, positive and finite, or neither. */
function explicitScales({ xscale, yscale }: SpacingOptions): [number, number] | undefined {
  if (xscale === undefined && yscale === undefined) return undefined;
  for (const [name, value] of [
    ["xscale", xscale],
    ["yscale", yscale],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      const shown = value === undefined ? "nothing (give both scales or neither)" : String(value);
      throw new RangeError(`Expected number greater than 0 for ${name} but received ${shown}`);
    }
  }
  return [xscale!, yscale!];
}

const showTransform = (gt: GeoTransform) => `[${gt.join(", ")}]`;

/** Refuses geotransforms whose pixel positions are not finite or do not differ from one pixel to the next. */
function checkGeoTransform(gt: GeoTransform, size: { width: number; height: number }): void {
  const corners = [0, size.width].flatMap((c) =>
    [0, size.height].flatMap((r) => [gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]]),
  );
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (!gt.every(Number.isFinite) || !corners.every(Number.isFinite) || !Number.isFinite(det)) {
    throw new GeorefError(
      `unusable geotransform ${showTransform(gt)}: the raster's corner coordinates are not finite numbers`,
    );
  }
  const at = (c: number, r: number) => [gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]];
  const [x0, y0] = at(0.5, 0.5) as [number, number];
  const [x1, y1] = at(1.5, 0.5) as [number, number];
  const [x2, y2] = at(0.5, 1.5) as [number, number];
  if (det === 0 || (x1 === x0 && y1 === y0) || (x2 === x0 && y2 === y0)) {
    throw new GeorefError(
      `unusable geotransform ${showTransform(gt)}: neighbouring pixel centres have the same coordinates`,
    );
  }
}

/** A geographic raster must lie between the poles: rows beyond ±90° would give negative or meaningless steps. */
function checkLatitudes(gt: GeoTransform, size: { width: number; height: number }, angular: number): void {
  const toDegrees = (angular * 180) / Math.PI;
  let worst = 0;
  for (const c of [0, size.width]) {
    for (const r of [0, size.height]) {
      const lat = (gt[3] + c * gt[4] + r * gt[5]) * toDegrees;
      if (Math.abs(lat) > Math.abs(worst)) worst = lat;
    }
  }
  // A rounding error's worth beyond the pole is tolerated (global grids whose edge is computed as 90.000000001).
  if (Math.abs(worst) > 90 + 1e-7) {
    throw new GeorefError(
      `the raster reaches latitude ${Number(worst.toPrecision(10))}°, beyond ±90° (geotransform ${showTransform(gt)})`,
    );
  }
}

/**
 * Nominal and explicit spacing: the map's units times a scale per axis (x also times `xFactor`), the map's x and y
 * taken as east and north. On a rotated or sheared grid the pixel steps are the transform's columns (gt[1], gt[4])
 * and (gt[2], gt[5]).
 */
function linearModel(
  mode: SpacingModel["mode"],
  window: Window,
  gt: GeoTransform,
  xscale: number,
  yscale: number,
  xFactor = 1,
): SpacingModel {
  const { width, height } = window;
  // Evaluated as |gt[1]|·scale·factor, the order gdaldem's pixel sizes are computed in.
  const column = [gt[1] * xscale * xFactor, gt[4] * yscale] as const;
  const row = [gt[2] * xscale, gt[5] * yscale] as const;
  const dx = isRotated(gt) ? Math.hypot(...column) : Math.abs(column[0]);
  const dy = isRotated(gt) ? Math.hypot(...row) : Math.abs(row[1]);
  const model: SpacingModel = {
    mode,
    width,
    height,
    xSteps: (_row, out) => out.fill(dx, 0, Math.max(0, width - 1)),
    ySteps: (_row, out) => out.fill(dy, 0, width),
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
  if (!isRotated(gt)) {
    rangeProbes.set(model, { xRows: [0], xCols: [0], yRows: [0], yCols: [0], x: () => dx, y: () => dy });
    return model;
  }
  const m = frameMatrix([column[0] / dx, column[1] / dx], [row[0] / dy, row[1] / dy]);
  const withFrame: SpacingModel = {
    ...model,
    frame: {
      eastNorth(_row, m00, m01, m10, m11) {
        m00.fill(m[0], 0, width);
        m01.fill(m[1], 0, width);
        m10.fill(m[2], 0, width);
        m11.fill(m[3], 0, width);
      },
      gridNorth(_row, east, north) {
        east.fill(0, 0, width);
        north.fill(1, 0, width);
      },
    },
  };
  rangeProbes.set(withFrame, { xRows: [0], xCols: [0], yRows: [0], yCols: [0], x: () => dx, y: () => dy });
  return withFrame;
}

/**
 * The inverse of the system ∇z·u = a, ∇z·v = b (u, v the unit east/north directions of the column and row steps):
 * (m00, m01, m10, m11) with ∇z = (m00·a + m01·b, m10·a + m11·b).
 */
function frameMatrix(
  u: readonly [number, number],
  v: readonly [number, number],
): [number, number, number, number] {
  const det = u[0] * v[1] - u[1] * v[0];
  return [v[1] / det, -u[1] / det, -v[0] / det, u[0] / det];
}

/** Closed form per row: parallels for x, meridian arcs between row latitudes for y; meridians are grid north. */
function geographicModel(gt: GeoTransform, window: Window, e: Ellipsoid, angular: number): SpacingModel {
  const { width, height } = window;
  const lat = (row: number) => (gt[3] + (row + window.y + 0.5) * gt[5]) * angular;
  const dLon = Math.abs(gt[1]) * angular;
  const xStep = (row: number) => {
    const phi = lat(row);
    return primeVerticalRadius(e, phi) * Math.cos(phi) * dLon;
  };
  const yStep = (row: number) => Math.abs(meridianArc(e, lat(row + 1)) - meridianArc(e, lat(row)));
  const model: SpacingModel = {
    mode: "ground",
    width,
    height,
    xSteps: (row, out) => out.fill(xStep(row), 0, Math.max(0, width - 1)),
    ySteps: (row, out) => out.fill(yStep(row), 0, width),
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
  // Both steps change monotonically with |latitude|: the extremes lie at the first and last rows or at the equator.
  const equator = Math.floor(-gt[3] / gt[5] - 0.5) - window.y;
  const rows = (last: number) =>
    [0, last, equator, equator + 1]
      .filter((r) => r >= 0 && r <= last)
      .filter((r, i, a) => a.indexOf(r) === i);
  rangeProbes.set(model, {
    xRows: rows(height - 1),
    xCols: [0],
    yRows: rows(height - 2),
    yCols: [0],
    x: xStep,
    y: yStep,
  });
  return model;
}

/** Samples per coarse-grid cell edge: finer for big pixels so bilinear interpolation stays within 1e-6. */
function gridStep(pixelMetres: number): number {
  return Math.max(2, Math.min(64, Math.floor(4000 / Math.max(pixelMetres, 1e-9))));
}

/** The sample positions bracketing `index` on an axis of `n` pixels: multiples of `step` below n − 1, and n − 1. */
function bracket(index: number, n: number, step: number): [number, number] {
  if (n < 2) return [0, 0];
  const lo = Math.floor(Math.min(index, n - 2) / step) * step;
  return [lo, Math.min(lo + step, n - 1)];
}

/** The sample positions (see `bracket`) that cover pixels first … first + count − 1. */
function samplesCovering(first: number, count: number, n: number, step: number): number[] {
  const [start] = bracket(first, n, step);
  const [, end] = bracket(first + count - 1, n, step);
  const list: number[] = [];
  for (let i = start; i < end; i += step) list.push(i);
  list.push(end);
  return list;
}

/**
 * What the sampled model keeps per sample: the two step lengths, the east/north matrix of the grid lines' tangents,
 * grid north, and the unit directions of the chords to the next (F) and from the previous (B) pixel along x (u)
 * and y (v), which first-order one-sided differences follow.
 */
const FIELDS = [
  "x",
  "y",
  "m00",
  "m01",
  "m10",
  "m11",
  "northE",
  "northN",
  "uFE",
  "uFN",
  "uBE",
  "uBN",
  "vFE",
  "vFN",
  "vBE",
  "vBN",
] as const;
type Field = (typeof FIELDS)[number];
type SampledRow = Record<Field, Float64Array>;

const sampledRow = (n: number): SampledRow =>
  Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(n)])) as SampledRow;

/** The unit east/north vector of a compass azimuth in degrees. */
const direction = (azimuth: number): [number, number] => {
  const r = (azimuth * Math.PI) / 180;
  return [Math.sin(r), Math.cos(r)];
};

/** (e, n) scaled to length 1. */
const unit = (e: number, n: number): [number, number] => {
  const length = Math.hypot(e, n);
  return [e / length, n / length];
};

/** (a + b) / |a + b|, or the finite one of the two alone (a neighbour outside the CRS's domain). */
function meanDirection(a: [number, number], b: [number, number]): [number, number] {
  const finite = (v: [number, number]) => Number.isFinite(v[0]) && Number.isFinite(v[1]);
  return !finite(b) ? unit(...a) : !finite(a) ? unit(...b) : unit(a[0] + b[0], a[1] + b[1]);
}

/**
 * Ground CRS (projected, or a rotated geographic grid): pixel centres and their four neighbours located in lon/lat
 * on the CRS's own datum and measured as geodesics on its ellipsoid — lengths of the +x and +y steps, and the
 * directions of both grid lines at the pixel — on a coarse grid (always including the last row and column),
 * interpolated bilinearly. Coarse rows are computed when first needed and only those around the rows in use are
 * kept, so memory does not grow with the raster's height; the values interpolated for the last row asked for serve
 * every field.
 */
function sampledModel(
  gt: GeoTransform,
  frame: { width: number; height: number },
  window: Window,
  lonLatOf: (x: number, y: number) => [number, number],
  linearUnit: number,
  e: Ellipsoid,
  warn: WarningHandler,
  rowsInUse = 1032,
): SpacingModel {
  const { Geodesic } = geographiclib();
  const geodesic = new Geodesic.Geodesic(e.a, e.rf === 0 ? 0 : 1 / e.rf);
  const outputs = Geodesic.DISTANCE | Geodesic.AZIMUTH;
  const pixelSize = Math.min(Math.hypot(gt[1], gt[4]), Math.hypot(gt[2], gt[5]));
  const step = gridStep(pixelSize * linearUnit);
  const { width, height } = window;
  const cols = samplesCovering(window.x, width, frame.width, step);
  // The map's +y direction in pixel steps (columns, rows): (0, 1/gt[5]) on an unrotated grid.
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  const upCol = -gt[2] / det;
  const upRow = gt[1] / det;
  const lonLat = (col: number, row: number) =>
    lonLatOf(
      gt[0] + (col + 0.5) * gt[1] + (row + 0.5) * gt[2],
      gt[3] + (col + 0.5) * gt[4] + (row + 0.5) * gt[5],
    );
  const inverse = (a: [number, number], b: [number, number]) =>
    geodesic.Inverse(a[1], a[0], b[1], b[0], outputs);

  /** Fills entry i of `out` with the exact values at pixel (col, row) of the whole grid. */
  function sample(col: number, row: number, out: SampledRow, i: number): void {
    const here = lonLat(col, row);
    const east = inverse(here, lonLat(col + 1, row));
    const south = inverse(here, lonLat(col, row + 1));
    // Chord directions at the pixel (the backward ones reversed to point along +x/+y); they differ by the grid
    // line's curvature, and their mean is the line's tangent, which central differences follow.
    const west = inverse(here, lonLat(col - 1, row));
    const north = inverse(here, lonLat(col, row - 1));
    const uF = direction(east.azi1!);
    const uB = direction(west.azi1! + 180);
    const vF = direction(south.azi1!);
    const vB = direction(north.azi1! + 180);
    const u = meanDirection(uF, uB);
    const v = meanDirection(vF, vB);
    const dx = east.s12!;
    const dy = south.s12!;
    const m = frameMatrix(u, v);
    [out.uFE[i], out.uFN[i], out.uBE[i], out.uBN[i]] = [uF[0], uF[1], uB[0], uB[1]];
    [out.vFE[i], out.vFN[i], out.vBE[i], out.vBN[i]] = [vF[0], vF[1], vB[0], vB[1]];
    out.x[i] = dx;
    out.y[i] = dy;
    out.m00[i] = m[0];
    out.m01[i] = m[1];
    out.m10[i] = m[2];
    out.m11[i] = m[3];
    // The map's +y on the ground: the local Jacobian (tangents, centred step lengths) times its pixel direction.
    const xLength = Number.isFinite(west.s12!) ? (dx + west.s12!) / 2 : dx;
    const yLength = Number.isFinite(north.s12!) ? (dy + north.s12!) / 2 : dy;
    const upE = upCol * xLength * u[0] + upRow * yLength * v[0];
    const upN = upCol * xLength * u[1] + upRow * yLength * v[1];
    const up = Math.hypot(upE, upN);
    out.northE[i] = upE / up;
    out.northN[i] = upN / up;
  }
  checkLocated(sample, frame, warn);

  const coarseRows = new Map<number, SampledRow>();
  const keptCoarseRows = Math.ceil(rowsInUse / step) + 2;
  function coarseRow(row: number): SampledRow {
    let sampled = coarseRows.get(row);
    if (sampled) return sampled;
    sampled = sampledRow(cols.length);
    for (let i = 0; i < cols.length; i++) sample(cols[i]!, row, sampled, i);
    // Rows are visited strip by strip, each strip's rows twice (x steps, then y steps): keep the coarse rows of
    // the largest strip the pipeline reads (1024 rows and its halo), so none is computed twice.
    if (coarseRows.size >= keptCoarseRows) coarseRows.delete(coarseRows.keys().next().value!);
    coarseRows.set(row, sampled);
    return sampled;
  }

  let lerpedRow = -1;
  let lerped: SampledRow | undefined; // allocated on first use: a range probe of a huge raster never needs it
  /** The coarse values interpolated to one row of the window (along y), reused until another row is asked for. */
  function rowValues(windowRow: number): SampledRow {
    lerped ??= sampledRow(cols.length);
    if (windowRow === lerpedRow) return lerped;
    const row = windowRow + window.y;
    const [r0, r1] = bracket(row, frame.height, step);
    const t = r1 === r0 ? 0 : (row - r0) / (r1 - r0);
    const a = coarseRow(r0);
    const b = coarseRow(r1);
    for (const field of FIELDS) {
      const [fa, fb, out] = [a[field], b[field], lerped[field]];
      for (let i = 0; i < cols.length; i++) out[i] = fa[i]! + (fb[i]! - fa[i]!) * t;
    }
    lerpedRow = windowRow;
    return lerped;
  }

  // Along the row: straight segments between sample columns, one multiply-add per pixel (in C where the native
  // kernels load: the same arithmetic).
  const native = nativeKernels();
  const sampleColumns = Float64Array.from(cols);
  function interpolate(values: Float64Array, out: Float64Array, count: number) {
    if (cols.length === 1) {
      out.fill(values[0]!, 0, count);
      return;
    }
    if (native) {
      native.lerp(values, sampleColumns, window.x, count, out);
      return;
    }
    const x0 = window.x;
    const stop = x0 + count;
    for (let i = 0; i < cols.length - 1; i++) {
      const c0 = cols[i]!;
      const end = i === cols.length - 2 ? stop : Math.min(stop, cols[i + 1]!);
      const v0 = values[i]!;
      const slope = (values[i + 1]! - v0) / (cols[i + 1]! - c0);
      for (let c = Math.max(c0, x0); c < end; c++) out[c - x0] = v0 + slope * (c - c0);
    }
  }
  /** One column's value of `interpolate`, by the same arithmetic. */
  function valueAt(values: Float64Array, c: number): number {
    if (cols.length === 1) return values[0]!;
    const col = c + window.x;
    const i = Math.max(0, Math.min(cols.length - 2, Math.floor((col - cols[0]!) / step)));
    const c0 = cols[i]!;
    const v0 = values[i]!;
    return v0 + ((values[i + 1]! - v0) / (cols[i + 1]! - c0)) * (col - c0);
  }
  const model: SpacingModel = {
    mode: "ground",
    width,
    height,
    xSteps: (row, out) => interpolate(rowValues(row).x, out, Math.max(0, width - 1)),
    ySteps: (row, out) => interpolate(rowValues(row).y, out, width),
    gridNorthBearing(row, out) {
      const values = rowValues(row);
      interpolate(values.northE, out, width);
      const north = new Float64Array(width);
      interpolate(values.northN, north, width);
      for (let c = 0; c < width; c++) out[c] = Math.atan2(out[c]!, north[c]!);
    },
    frame: {
      eastNorth(row, m00, m01, m10, m11, oneSided) {
        const values = rowValues(row);
        interpolate(values.m00, m00, width);
        interpolate(values.m01, m01, width);
        interpolate(values.m10, m10, width);
        interpolate(values.m11, m11, width);
        if (!oneSided || (!oneSided.x && oneSided.y === 0)) return;
        /** The direction of the chord forward (side +1), backward (−1), or the tangent (0), at column c. */
        const along = (side: number, forward: [Field, Field], backward: [Field, Field], c: number) => {
          const f: [number, number] = [valueAt(values[forward[0]], c), valueAt(values[forward[1]], c)];
          const b: [number, number] = [valueAt(values[backward[0]], c), valueAt(values[backward[1]], c)];
          return side > 0 ? unit(...f) : side < 0 ? unit(...b) : meanDirection(f, b);
        };
        const xSide = (c: number) => (!oneSided.x ? 0 : c === 0 ? 1 : c === width - 1 ? -1 : 0);
        const u = (c: number) => along(xSide(c), ["uFE", "uFN"], ["uBE", "uBN"], c);
        const v = (c: number) => along(oneSided.y, ["vFE", "vFN"], ["vBE", "vBN"], c);
        // The whole first and last rows; elsewhere the first and last columns only.
        const columns = oneSided.y !== 0 ? Array.from({ length: width }, (_, c) => c) : [0, width - 1];
        for (const c of columns) [m00[c], m01[c], m10[c], m11[c]] = frameMatrix(u(c), v(c));
      },
      gridNorth(row, east, north) {
        const values = rowValues(row);
        interpolate(values.northE, east, width);
        interpolate(values.northN, north, width);
      },
    },
  };
  rangeProbes.set(model, sampledProbe(sample, frame, window, step));
  return model;
}

/**
 * Refuses a raster none of whose pixels can be located on the ground (coordinates outside the projection's domain,
 * a CRS that does not fit the coordinates) and warns when only part of it can: those pixels become nodata.
 */
function checkLocated(
  sample: (col: number, row: number, out: SampledRow, i: number) => void,
  frame: { width: number; height: number },
  warn: WarningHandler,
): void {
  const positions = [0, 0.5, 1].map((f) => Math.round(f * (frame.width - 1)));
  const rows = [0, 0.5, 1].map((f) => Math.round(f * (frame.height - 1)));
  const probe = sampledRow(1);
  let located = 0;
  for (const row of rows) {
    for (const col of positions) {
      sample(col, row, probe, 0);
      if (FIELDS.every((f) => Number.isFinite(probe[f][0])) && probe.x[0]! > 0 && probe.y[0]! > 0) located++;
    }
  }
  if (located === 0) {
    throw new GeorefError(
      "the raster's coordinates do not lie where its CRS is defined (no pixel can be located on the ground)",
    );
  }
  if (located < rows.length * positions.length) {
    warn("part of the raster lies outside where its CRS is defined: those pixels get no value");
  }
}

/**
 * Where spacingRange looks for extremes: rows and columns (window coordinates) and the model's value at any of
 * them. Between them a model is linear or monotonic, so the extremes of the whole model lie among them.
 */
interface RangeProbe {
  xRows: number[];
  xCols: number[];
  yRows: number[];
  yCols: number[];
  x(row: number, col: number): number;
  y(row: number, col: number): number;
}

const rangeProbes = new WeakMap<SpacingModel, RangeProbe>();

/** At most this many rows and columns are probed: beyond, an even selection (the extremes then approximate). */
const PROBED_ROWS = 129;
const PROBED_COLUMNS = 257;

/**
 * The sampled model's range probe: its coarse nodes inside the window plus the window's last steps, evaluated from
 * single coarse nodes with exactly the arithmetic of xSteps/ySteps (bilinear: the extremes lie at those nodes).
 */
function sampledProbe(
  sample: (col: number, row: number, out: SampledRow, i: number) => void,
  frame: { width: number; height: number },
  window: Window,
  step: number,
): RangeProbe {
  const nodes = new Map<string, SampledRow>();
  const node = (col: number, row: number) => {
    const key = `${col},${row}`;
    let values = nodes.get(key);
    if (!values) {
      values = sampledRow(1);
      sample(col, row, values, 0);
      nodes.set(key, values);
    }
    return values;
  };
  const value = (field: "x" | "y") => (row: number, col: number) => {
    const r = row + window.y;
    const c = col + window.x;
    const [r0, r1] = bracket(r, frame.height, step);
    const [c0, c1] = bracket(c, frame.width, step);
    const t = r1 === r0 ? 0 : (r - r0) / (r1 - r0);
    const lerp = (cc: number) => {
      const a = node(cc, r0)[field][0]!;
      return a + (node(cc, r1)[field][0]! - a) * t;
    };
    const v0 = lerp(c0);
    if (c1 === c0) return v0;
    return v0 + ((lerp(c1) - v0) / (c1 - c0)) * (c - c0);
  };
  /**
   * Up to `limit` of the coarse positions inside [first, first + last] of an axis of n pixels, evenly chosen, in
   * window coordinates, with 0 and `last` (worked out, not listed: an axis may have millions of them).
   */
  const positions = (first: number, n: number, last: number, limit: number) => {
    const lo = Math.ceil(first / step);
    const hi = Math.floor(Math.min(first + last, n - 2) / step);
    const count = Math.max(0, hi - lo + 1);
    const chosen = Array.from({ length: Math.min(count, limit) }, (_, i) =>
      count <= limit ? lo + i : lo + Math.round((i * (count - 1)) / (limit - 1)),
    ).map((k) => k * step - first);
    const all = [0, ...chosen, last];
    if (first + last === n - 1) all.push(n - 1 - first);
    return [...new Set(all)].filter((p) => p >= 0 && p <= last).sort((a, b) => a - b);
  };
  return {
    xRows: positions(window.y, frame.height, window.height - 1, PROBED_ROWS),
    xCols: positions(window.x, frame.width, Math.max(0, window.width - 2), PROBED_COLUMNS),
    yRows: positions(window.y, frame.height, Math.max(0, window.height - 2), PROBED_ROWS),
    yCols: positions(window.x, frame.width, window.width - 1, PROBED_COLUMNS),
    x: value("x"),
    y: value("y"),
  };
}

/**
 * Smallest and largest ground steps over the raster, as `demgrad info` reports them. For the models spacingModel
 * makes, a bounded number of probes (at most 129 rows × 257 columns) wherever the model can have an extreme:
 * exact for rasters up to that many coarse samples, an even selection of them beyond. Other models are scanned
 * along about 64 rows.
 *
 * @example
 * ```ts
 * spacingRange(spacingModel(dem.georef)); // { dxMin, dxMax, dyMin, dyMax } in metres
 * ```
 */
export function spacingRange(model: SpacingModel): {
  dxMin: number;
  dxMax: number;
  dyMin: number;
  dyMax: number;
} {
  const { width, height } = model;
  const range = { dxMin: Infinity, dxMax: -Infinity, dyMin: Infinity, dyMax: -Infinity };
  const addX = (v: number) => {
    range.dxMin = Math.min(range.dxMin, v);
    range.dxMax = Math.max(range.dxMax, v);
  };
  const addY = (v: number) => {
    range.dyMin = Math.min(range.dyMin, v);
    range.dyMax = Math.max(range.dyMax, v);
  };
  const probe = rangeProbes.get(model);
  if (probe) {
    if (width > 1) for (const r of probe.xRows) for (const c of probe.xCols) addX(probe.x(r, c));
    if (height > 1) for (const r of probe.yRows) for (const c of probe.yCols) addY(probe.y(r, c));
    return range;
  }
  const x = new Float64Array(Math.max(1, width - 1));
  const y = new Float64Array(width);
  // About 64 rows spread over the raster, always including the first and last.
  const every = Math.max(1, Math.floor(height / 64));
  // The last row has x steps only; the one before it the last y steps.
  const rows = new Set<number>([Math.max(0, height - 2), height - 1]);
  for (let row = 0; row < height; row += every) rows.add(row);
  for (const row of rows) {
    if (width > 1) {
      model.xSteps(row, x);
      for (const v of x) addX(v);
    }
    if (row < height - 1) {
      model.ySteps(row, y);
      for (const v of y) addY(v);
    }
  }
  return range;
}
