/**
 * The spacing model (DESIGN §3): ground metres between neighbouring pixel centres, and the bearing of grid north.
 * Modes: `ground` (true distances on the CRS ellipsoid), `nominal` (gdaldem's pixel size), explicit scales.
 */
import geographiclib from "geographiclib-geodesic";
import { GeorefError, type WarningHandler } from "../errors.js";
import { type Ellipsoid, meridianArc, primeVerticalRadius } from "./ellipsoid.js";
import { proj4, withoutDatumShift } from "./proj4-definition.js";
import type { Georef, GeoTransform, SpacingModel } from "./types.js";

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
}

const WHAT_TO_PASS = "pass --xscale/--yscale (or -s) or --spacing nominal";

/**
 * Creates the spacing model of a raster.
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
  const window = options.window ?? { x: 0, y: 0, width: georef.width, height: georef.height };
  const { width, height } = window;
  const warn = options.warn ?? (() => {});
  if (gt && (gt[2] !== 0 || gt[4] !== 0)) {
    throw new GeorefError("rotated or sheared geotransform is not supported");
  }
  if (options.xscale !== undefined && options.yscale !== undefined) {
    return uniformModel(
      "explicit",
      width,
      height,
      Math.abs(gt?.[1] ?? 1) * options.xscale,
      Math.abs(gt?.[5] ?? 1) * options.yscale,
    );
  }
  const mode = options.mode ?? "ground";
  if (!gt || crs.kind === "none" || crs.kind === "local") {
    if (mode === "nominal") {
      const unit = crs.linearUnit;
      if (!gt) warn("the raster has no geotransform: each pixel step is taken as 1 metre");
      else if (unit === undefined) warn("the raster's CRS has no known unit: grid units are taken as metres");
      const dx = Math.abs(gt?.[1] ?? 1) * (unit ?? 1);
      const dy = Math.abs(gt?.[5] ?? 1) * (unit ?? 1);
      return uniformModel("nominal", width, height, dx, dy);
    }
    throw new GeorefError(
      `${!gt ? "no georeferencing (no geotransform)" : "local or unknown CRS: ground distances are unknown"}: ${WHAT_TO_PASS}`,
    );
  }
  const ellipsoid = crs.ellipsoid ?? { a: 6378137, rf: 298.257223563 };
  if (crs.kind === "geographic") {
    const angular = crs.angularUnit ?? Math.PI / 180;
    if (mode === "nominal") {
      // GDAL ≥ 3.11's automatic scale for geographic rasters.
      const yscale = angular * ellipsoid.a;
      const centreLat = (gt[3] + (georef.height * gt[5]) / 2) * angular;
      if (Math.abs(centreLat) > (80 * Math.PI) / 180)
        warn("nominal spacing is inaccurate beyond 80° of latitude");
      return uniformModel(
        "nominal",
        width,
        height,
        Math.abs(gt[1]) * yscale * Math.cos(centreLat),
        Math.abs(gt[5]) * yscale,
      );
    }
    return geographicModel(gt, window, ellipsoid, angular);
  }
  const unit = crs.linearUnit ?? 1;
  if (mode === "nominal")
    return uniformModel("nominal", width, height, Math.abs(gt[1]) * unit, Math.abs(gt[5]) * unit);
  return projectedModel(
    gt,
    georef,
    window,
    { proj4: crs.proj4!, coordinateFactor: crs.coordinateFactor ?? 1, linearUnit: unit },
    ellipsoid,
  );
}

function uniformModel(
  mode: SpacingModel["mode"],
  width: number,
  height: number,
  dx: number,
  dy: number,
): SpacingModel {
  return {
    mode,
    width,
    height,
    xSteps: (_row, out) => out.fill(dx, 0, Math.max(0, width - 1)),
    ySteps: (_row, out) => out.fill(dy, 0, width),
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
}

/** Closed form per row: parallels for x, meridian arcs between row latitudes for y; meridians are grid north. */
function geographicModel(gt: GeoTransform, window: Window, e: Ellipsoid, angular: number): SpacingModel {
  const { width, height } = window;
  const lat = (row: number) => (gt[3] + (row + window.y + 0.5) * gt[5]) * angular;
  const dLon = Math.abs(gt[1]) * angular;
  return {
    mode: "ground",
    width,
    height,
    xSteps(row, out) {
      const phi = lat(row);
      out.fill(primeVerticalRadius(e, phi) * Math.cos(phi) * dLon, 0, Math.max(0, width - 1));
    },
    ySteps(row, out) {
      out.fill(Math.abs(meridianArc(e, lat(row + 1)) - meridianArc(e, lat(row))), 0, width);
    },
    gridNorthBearing: (_row, out) => out.fill(0, 0, width),
  };
}

type Window = { x: number; y: number; width: number; height: number };

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

/** Ground steps and grid-north bearing at the sample columns of one row. */
interface SampledRow {
  x: Float64Array;
  y: Float64Array;
  bearing: Float64Array;
}

const sampledRow = (n: number): SampledRow => ({
  x: new Float64Array(n),
  y: new Float64Array(n),
  bearing: new Float64Array(n),
});

/**
 * Projected CRS: pixel centres and their +x/+y neighbours inverse-projected to lon/lat on the CRS's own datum and
 * measured as geodesics on its ellipsoid, on a coarse grid (always including the last row and column),
 * interpolated bilinearly. Coarse rows are computed when first needed and only those around the rows in use are kept, so memory does not
 * grow with the raster's height; the values interpolated for the last row asked for serve all three fields.
 */
function projectedModel(
  gt: GeoTransform,
  frame: { width: number; height: number },
  window: Window,
  crs: { proj4: string; coordinateFactor: number; linearUnit: number },
  e: Ellipsoid,
): SpacingModel {
  const toLonLat = proj4()(withoutDatumShift(crs.proj4), "EPSG:4326");
  const geodesic = new geographiclib.Geodesic.Geodesic(e.a, e.rf === 0 ? 0 : 1 / e.rf);
  const outputs = geographiclib.Geodesic.DISTANCE | geographiclib.Geodesic.AZIMUTH;
  const step = gridStep(Math.min(Math.abs(gt[1]), Math.abs(gt[5])) * crs.linearUnit);
  const { width, height } = window;
  const cols = samplesCovering(window.x, width, frame.width, step);
  // Map +y is one row up on a north-up raster (gt[5] < 0).
  const rowTowardsNorth = gt[5] < 0 ? -1 : 1;
  const factor = crs.coordinateFactor;
  const lonLat = (col: number, row: number): [number, number] => {
    const x = (gt[0] + (col + 0.5) * gt[1]) * factor;
    const y = (gt[3] + (row + 0.5) * gt[5]) * factor;
    const [lon, lat] = toLonLat.forward([x, y]);
    return [lon!, lat!];
  };
  const inverse = (a: [number, number], b: [number, number]) =>
    geodesic.Inverse(a[1], a[0], b[1], b[0], outputs);

  const coarseRows = new Map<number, SampledRow>();
  const keptCoarseRows = Math.ceil(1032 / step) + 2;
  function coarseRow(row: number): SampledRow {
    let sampled = coarseRows.get(row);
    if (sampled) return sampled;
    sampled = sampledRow(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      const here = lonLat(col, row);
      sampled.x[i] = inverse(here, lonLat(col + 1, row)).s12!;
      sampled.y[i] = inverse(here, lonLat(col, row + 1)).s12!;
      sampled.bearing[i] = ((inverse(here, lonLat(col, row + rowTowardsNorth)).azi1 ?? 0) * Math.PI) / 180;
    }
    // Rows are visited strip by strip, each strip's rows twice (x steps, then y steps): keep the coarse rows of
    // the largest strip the pipeline reads (1024 rows and its halo), so none is computed twice.
    if (coarseRows.size >= keptCoarseRows) coarseRows.delete(coarseRows.keys().next().value!);
    coarseRows.set(row, sampled);
    return sampled;
  }

  let lerpedRow = -1;
  const lerped = sampledRow(cols.length);
  /** The coarse values interpolated to one row of the window (along y), reused until another row is asked for. */
  function rowValues(windowRow: number): SampledRow {
    if (windowRow === lerpedRow) return lerped;
    const row = windowRow + window.y;
    const [r0, r1] = bracket(row, frame.height, step);
    const t = r1 === r0 ? 0 : (row - r0) / (r1 - r0);
    const a = coarseRow(r0);
    const b = coarseRow(r1);
    for (let i = 0; i < cols.length; i++) {
      lerped.x[i] = a.x[i]! + (b.x[i]! - a.x[i]!) * t;
      lerped.y[i] = a.y[i]! + (b.y[i]! - a.y[i]!) * t;
      lerped.bearing[i] = a.bearing[i]! + unwrap(b.bearing[i]! - a.bearing[i]!) * t;
    }
    // Bearings are interpolated along the row too: make neighbouring samples continuous across ±π.
    for (let i = 1; i < cols.length; i++) {
      lerped.bearing[i] = lerped.bearing[i - 1]! + unwrap(lerped.bearing[i]! - lerped.bearing[i - 1]!);
    }
    lerpedRow = windowRow;
    return lerped;
  }

  // Along the row: straight segments between sample columns, one multiply-add per pixel.
  function interpolate(values: Float64Array, out: Float64Array, count: number) {
    if (cols.length === 1) {
      out.fill(values[0]!, 0, count);
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
  return {
    mode: "ground",
    width,
    height,
    xSteps: (row, out) => interpolate(rowValues(row).x, out, Math.max(0, width - 1)),
    ySteps: (row, out) => interpolate(rowValues(row).y, out, width),
    gridNorthBearing(row, out) {
      interpolate(rowValues(row).bearing, out, width);
      for (let c = 0; c < width; c++) out[c] = unwrap(out[c]!);
    },
  };
}

/** An angle (difference) brought into (−π, π] when it is less than a turn outside. */
function unwrap(angle: number): number {
  if (angle > Math.PI) return angle - 2 * Math.PI;
  if (angle <= -Math.PI) return angle + 2 * Math.PI;
  return angle;
}

/**
 * Smallest and largest ground steps over the raster (sampled rows), as `demgrad info` reports them.
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
  const x = new Float64Array(Math.max(1, width - 1));
  const y = new Float64Array(width);
  const range = { dxMin: Infinity, dxMax: -Infinity, dyMin: Infinity, dyMax: -Infinity };
  // About 64 rows spread over the raster, always including the first and last.
  const every = Math.max(1, Math.floor(height / 64));
  // The last row has x steps only; the one before it the last y steps.
  const rows = new Set<number>([Math.max(0, height - 2), height - 1]);
  for (let row = 0; row < height; row += every) rows.add(row);
  for (const row of rows) {
    if (width > 1) {
      model.xSteps(row, x);
      for (const v of x) {
        range.dxMin = Math.min(range.dxMin, v);
        range.dxMax = Math.max(range.dxMax, v);
      }
    }
    if (row < height - 1) {
      model.ySteps(row, y);
      for (const v of y) {
        range.dyMin = Math.min(range.dyMin, v);
        range.dyMax = Math.max(range.dyMax, v);
      }
    }
  }
  return range;
}
