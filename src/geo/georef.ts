/**
 * From raw GeoTIFF tags to a `Georef`: the pixel-corner geotransform, the CRS as a proj4 definition, and the
 * vertical unit. Never throws for missing or odd georeferencing: the spacing model decides what it can use.
 */
import { GeorefError, UsageError, type WarningHandler } from "../errors.js";
import { crsFromKeys, geokeysToProj4 } from "./crs.js";
import { decodeGeoKeys, type GeoKeys } from "./geokeys.js";
import { knownCrsKind } from "./known-crs.js";
import type { Crs, Georef, GeoTiffTags, GeoTransform } from "./types.js";
import { linearUnitFromCode, linearUnitFromMetres, unitFromName } from "./units.js";

const PIXEL_IS_POINT = 2;

/**
 * Builds the georeferencing of a raster from its GeoTIFF tags.
 *
 * @example
 * ```ts
 * const georef = georefFromTags(
 *   { ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 500000, 4100000, 0],
 *     GeoKeyDirectory: [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32611] },
 *   { width: 100, height: 100 },
 * );
 * // georef.crs.epsg === 32611, georef.geoTransform → [500000, 30, 0, 4100000, 0, -30]
 * ```
 */
export function georefFromTags(
  tags: GeoTiffTags,
  raster: { width: number; height: number; bandUnit?: string },
  warn: WarningHandler = () => {},
): Georef {
  const keys = decodeGeoKeys(tags);
  const crs = crsFromKeys(keys);
  return {
    width: raster.width,
    height: raster.height,
    geoTransform: geoTransformFromTags(tags, keys["GTRasterTypeGeoKey"] === PIXEL_IS_POINT),
    crs,
    verticalUnit: verticalUnit(keys, raster.bandUnit, crs, warn),
    tags,
  };
}

/**
 * The pixel-corner geotransform from ModelTransformation, or from a tiepoint (at any raster position) and the pixel
 * scale; a negative y scale in the file gives a south-up transform (gt[5] > 0). Undefined when the tags give none
 * or a degenerate one.
 *
 * @example
 * ```ts
 * geoTransformFromTags({ ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 500000, 4100000, 0] }, true);
 * // [499985, 30, 0, 4100015, 0, -30]: PixelIsPoint, so the tiepoint was the first pixel's centre
 * ```
 */
export function geoTransformFromTags(tags: GeoTiffTags, pixelIsPoint: boolean): GeoTransform | undefined {
  let gt: GeoTransform | undefined;
  const m = tags.ModelTransformation;
  const tie = tags.ModelTiepoint;
  const scale = tags.ModelPixelScale;
  if (m && m.length >= 16) {
    gt = [m[3]!, m[0]!, m[1]!, m[7]!, m[4]!, m[5]!];
  } else if (tie && tie.length >= 6 && scale && scale.length >= 2) {
    const [i, j, , x, y] = tie as [number, number, number, number, number];
    const [sx, sy] = scale as [number, number];
    gt = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  }
  if (!gt?.every(Number.isFinite) || gt[1] * gt[5] - gt[2] * gt[4] === 0) return undefined;
  if (pixelIsPoint) {
    // The tiepoint names a pixel centre: move to the corner, as GDAL does by default.
    gt[0] -= 0.5 * gt[1] + 0.5 * gt[2];
    gt[3] -= 0.5 * gt[4] + 0.5 * gt[5];
  }
  return gt;
}

/**
 * The elevation unit: the VerticalUnitsGeoKey, else the band's unit, else — nothing tagged — the CRS's linear unit
 * (GDAL ≥ 3.11's rule: a State Plane DEM in US feet has its elevations in US feet), else the metre.
 */
function verticalUnit(
  keys: GeoKeys,
  bandUnit: string | undefined,
  crs: Crs,
  warn: WarningHandler,
): Georef["verticalUnit"] {
  const code = keys["VerticalUnitsGeoKey"];
  const fromKey = typeof code === "number" ? linearUnitFromCode(code) : undefined;
  if (fromKey) return { ...fromKey, source: "geokey" };
  if (bandUnit) {
    const unit = unitFromName(bandUnit);
    if (unit) return { ...unit, source: "band-unit" };
    warn(
      `unknown vertical unit "${bandUnit}": elevations are taken as metres (use --vertical-unit to say otherwise)`,
    );
  } else if (crs.kind === "projected" && crs.linearUnit !== undefined && crs.linearUnit !== 1) {
    return { ...linearUnitFromMetres(crs.linearUnit), source: "crs-linear-unit" };
  }
  return { metres: 1, name: "metre", source: "default" };
}

/**
 * The CLI's `--vertical-unit` names (`m`, `ft`, `us-ft`) and any unit name GDAL writes.
 *
 * @example
 * ```ts
 * verticalUnitFromName("us-ft").metres; // 0.3048006096012192
 * ```
 */
export function verticalUnitFromName(name: string): Georef["verticalUnit"] {
  const unit = unitFromName(name);
  if (!unit) throw new UsageError(`Expected one of m, ft, us-ft for vertical unit but received "${name}"`);
  return { ...unit, source: "option" };
}

/**
 * The georeferencing of a grid in an EPSG CRS, as a GeoTIFF would carry it: for writing rasters computed from
 * scratch (synthetic DEMs, resampled grids) with `writeGeoTiff(..., { like })`. Throws a GeorefError for a code
 * the CRS tables do not hold (rather than invent a lon/lat CRS for it).
 *
 * @example
 * ```ts
 * import { georefFromEpsg, writeGeoTiff } from "demgrad";
 * const like = georefFromEpsg(32632, [350000, 25, 0, 5110000, 0, -25], { width: 480, height: 400 });
 * await writeGeoTiff("dem.tif", { width: 480, height: 400, data: elevations }, { like });
 * ```
 */
export function georefFromEpsg(
  epsg: number,
  geoTransform: GeoTransform,
  size: { width: number; height: number },
): Georef {
  if (!Number.isInteger(epsg) || epsg <= 0) {
    throw new GeorefError(`Expected an EPSG code (a positive integer) for epsg but received ${epsg}`);
  }
  // The commonest codes are known without the EPSG tables (which take a tenth of a second to load).
  const known = knownCrsKind(epsg);
  const geographic = known ? known === "geographic" : geographicInTables(epsg);
  const keys = [
    1,
    1,
    0,
    3,
    1024,
    0,
    1,
    geographic ? 2 : 1,
    1025,
    0,
    1,
    1,
    geographic ? 2048 : 3072,
    0,
    1,
    epsg,
  ];
  return georefFromTags({ ...transformTags(geoTransform), GeoKeyDirectory: keys }, size);
}

/** Whether the EPSG tables hold `epsg` as a geographic CRS; a GeorefError for a code they do not hold. */
function geographicInTables(epsg: number): boolean {
  const asProjected = geokeysToProj4().toProj4({
    GTModelTypeGeoKey: 1,
    ProjectedCSTypeGeoKey: epsg,
  } as never) as unknown as {
    isGCS: boolean;
    errors: Record<string, unknown>;
  };
  // The tables answer an unknown code with a lon/lat definition: refuse it rather than invent a geographic CRS.
  if (asProjected.errors["CRSNotSupported"] !== undefined) {
    throw new GeorefError(`unknown EPSG code ${epsg}: not in demgrad's CRS tables`);
  }
  return asProjected.isGCS;
}

/**
 * The GeoTIFF transform tags of a pixel-corner geotransform: scale and tiepoint for a north-up grid, else the
 * matrix. With `pixelIsPoint` the tiepoint is the centre of the first pixel, as the GeoTIFF spec says for
 * RasterPixelIsPoint.
 *
 * @example
 * ```ts
 * transformTags([500000, 30, 0, 4100000, 0, -30]);
 * // { ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 500000, 4100000, 0] }
 * ```
 */
export function transformTags(
  gt: GeoTransform,
  pixelIsPoint = false,
): Pick<GeoTiffTags, "ModelPixelScale" | "ModelTiepoint" | "ModelTransformation"> {
  const half = pixelIsPoint ? 0.5 : 0;
  const x0 = gt[0] + half * (gt[1] + gt[2]);
  const y0 = gt[3] + half * (gt[4] + gt[5]);
  if (gt[2] === 0 && gt[4] === 0 && gt[1] > 0 && gt[5] < 0)
    return { ModelPixelScale: [gt[1], -gt[5], 0], ModelTiepoint: [0, 0, 0, x0, y0, 0] };
  return { ModelTransformation: [gt[1], gt[2], 0, x0, gt[4], gt[5], 0, y0, 0, 0, 0, 0, 0, 0, 0, 1] };
}
