/**
 * The spacing model (DESIGN §3): ground metres between neighbouring pixel centres, and the bearing of grid north.
 * Modes: `ground` (true distances on the CRS ellipsoid), `nominal` (gdaldem's pixel size), explicit scales.
 */
import geographiclib from "geographiclib-geodesic";
import proj4 from "proj4";
import { GeorefError, type WarningHandler } from "../errors.js";
import { type Ellipsoid, meridianArc, primeVerticalRadius } from "./ellipsoid.js";
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
      warn("the raster has no usable CRS: grid units are taken as metres");
      return uniformModel("nominal", width, height, Math.abs(gt?.[1] ?? 1), Math.abs(gt?.[5] ?? 1));
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
  return projectedModel(gt, georef, window, crs.proj4!, ellipsoid, crs.coordinateFactor ?? 1, unit);
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

/**
 * Projected CRS: pixel centres and their +x/+y neighbours inverse-projected to lon/lat and measured as geodesics
 * on the CRS ellipsoid, on a coarse grid (always including the last row and column), interpolated bilinearly.
 */
function projectedModel(
  gt: GeoTransform,
  frame: { width: number; height: number },
  window: Window,
  definition: string,
  e: Ellipsoid,
  coordinateFactor: number,
  unit: number,
): SpacingModel {
  const toLonLat = proj4(definition, "EPSG:4326");
  const geodesic = new geographiclib.Geodesic.Geodesic(e.a, e.rf === 0 ? 0 : 1 / e.rf);
  const step = gridStep(Math.min(Math.abs(gt[1]), Math.abs(gt[5])) * unit);
  const { width, height } = window;
  // The sample positions of the whole grid (multiples of `step` and the last index) that bracket the window.
  const positions = (n: number, first: number, count: number) => {
    const list: number[] = [];
    const lo = Math.floor(first / step) * step;
    for (let i = lo; i < n - 1 && i < first + count - 1 + step; i += step) list.push(i);
    if (
      list.length === 0 ||
      (list[list.length - 1]! < first + count - 1 && list[list.length - 1] !== n - 1)
    ) {
      list.push(n - 1);
    }
    return list;
  };
  const cols = positions(frame.width, window.x, width);
  const rows = positions(frame.height, window.y, height);
  // Map +y is one row up on a north-up raster (gt[5] < 0).
  const rowTowardsNorth = gt[5] < 0 ? -1 : 1;
  const lonLat = (col: number, row: number) => {
    const x = (gt[0] + (col + 0.5) * gt[1]) * coordinateFactor;
    const y = (gt[3] + (row + 0.5) * gt[5]) * coordinateFactor;
    const [lon, lat] = toLonLat.forward([x, y]);
    return [lon!, lat!] as const;
  };
  const inverse = (a: readonly [number, number], b: readonly [number, number]) =>
    geodesic.Inverse(
      a[1],
      a[0],
      b[1],
      b[0],
      geographiclib.Geodesic.DISTANCE | geographiclib.Geodesic.AZIMUTH,
    );
  const grid = {
    x: new Float64Array(rows.length * cols.length),
    y: new Float64Array(rows.length * cols.length),
    bearing: new Float64Array(rows.length * cols.length),
  };
  rows.forEach((row, j) => {
    cols.forEach((col, i) => {
      const here = lonLat(col, row);
      const k = j * cols.length + i;
      grid.x[k] = inverse(here, lonLat(col + 1, row)).s12!;
      grid.y[k] = inverse(here, lonLat(col, row + 1)).s12!;
      grid.bearing[k] = ((inverse(here, lonLat(col, row + rowTowardsNorth)).azi1 ?? 0) * Math.PI) / 180;
    });
  });

  // Interpolate a grid field along y for one row, then along x into `out`.
  const scratch = new Float64Array(cols.length);
  function interpolate(field: Float64Array, windowRow: number, out: Float64Array, count: number) {
    const row = windowRow + window.y;
    let j = 0;
    while (j < rows.length - 2 && rows[j + 1]! <= row) j++;
    const r0 = rows[j]!;
    const r1 = rows[Math.min(j + 1, rows.length - 1)]!;
    const t = r1 === r0 ? 0 : (row - r0) / (r1 - r0);
    const base0 = j * cols.length;
    const base1 = Math.min(j + 1, rows.length - 1) * cols.length;
    for (let i = 0; i < cols.length; i++) scratch[i] = field[base0 + i]! * (1 - t) + field[base1 + i]! * t;
    // Along the row: straight segments between sample columns, evaluated with one multiply-add per pixel.
    if (cols.length === 1) {
      out.fill(scratch[0]!, 0, count);
      return;
    }
    const x0 = window.x;
    const stop = x0 + count;
    for (let i = 0; i < cols.length - 1; i++) {
      const c0 = cols[i]!;
      const end = Math.min(stop, i === cols.length - 2 ? stop : cols[i + 1]!);
      const v0 = scratch[i]!;
      const slope = (scratch[i + 1]! - v0) / (cols[i + 1]! - c0);
      for (let c = Math.max(c0, x0); c < end; c++) out[c - x0] = v0 + slope * (c - c0);
    }
  }
  return {
    mode: "ground",
    width,
    height,
    xSteps: (row, out) => interpolate(grid.x, row, out, Math.max(0, width - 1)),
    ySteps: (row, out) => interpolate(grid.y, row, out, width),
    gridNorthBearing: (row, out) => interpolate(grid.bearing, row, out, width),
  };
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
  const rows = new Set<number>([height - 1]);
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
