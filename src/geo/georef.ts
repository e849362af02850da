/**
 * From raw GeoTIFF tags to a `Georef`: the pixel-corner geotransform, the CRS as a proj4 definition, and the
 * vertical unit. Never throws for missing or odd georeferencing: the spacing model decides what it can use.
 */
import geokeysToProj4 from "geotiff-geokeys-to-proj4";
import { UsageError, type WarningHandler } from "../errors.js";
import { decodeGeoKeys, type GeoKeys } from "./geokeys.js";
import type { Crs, Georef, GeoTiffTags, GeoTransform } from "./types.js";
import { linearUnitFromCode, unitFromName } from "./units.js";

const USER_DEFINED = 32767;
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
  return {
    width: raster.width,
    height: raster.height,
    geoTransform: geoTransformFromTags(tags, keys["GTRasterTypeGeoKey"] === PIXEL_IS_POINT),
    crs: crsFromKeys(keys),
    verticalUnit: verticalUnit(keys, raster.bandUnit, warn),
    tags,
  };
}

/** The pixel-corner geotransform from ModelTransformation or tiepoint + pixel scale. */
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
  if (!gt?.every(Number.isFinite) || gt[1] === 0 || gt[5] === 0) return undefined;
  if (pixelIsPoint) {
    // The tiepoint names a pixel centre: move to the corner, as GDAL does by default.
    gt[0] -= 0.5 * gt[1] + 0.5 * gt[2];
    gt[3] -= 0.5 * gt[4] + 0.5 * gt[5];
  }
  return gt;
}

/** The CRS from GeoKeys, via geotiff-geokeys-to-proj4. */
export function crsFromKeys(keys: GeoKeys): Crs {
  const modelType = keys["GTModelTypeGeoKey"];
  if (modelType !== 1 && modelType !== 2) {
    return Object.keys(keys).length === 0 ? { kind: "none" } : { kind: "local", name: citation(keys) };
  }
  const input: GeoKeys = { ...keys };
  const projected = modelType === 1;
  const epsgProjected =
    typeof keys["ProjectedCSTypeGeoKey"] === "number" && keys["ProjectedCSTypeGeoKey"] !== USER_DEFINED;
  // geotiff-geokeys-to-proj4 returns lon/lat when a projected EPSG code and a geographic key are both set.
  if (projected && epsgProjected) delete input["GeographicTypeGeoKey"];
  let result: { proj4: string; coordinatesConversionParameters: { x: number }; isGCS: boolean };
  try {
    result = geokeysToProj4.toProj4(input as never) as typeof result;
  } catch {
    return { kind: "local", name: citation(keys) };
  }
  const code = projected ? keys["ProjectedCSTypeGeoKey"] : keys["GeographicTypeGeoKey"];
  const crs: Crs = {
    kind: projected ? "projected" : "geographic",
    proj4: result.proj4,
    ...(typeof code === "number" && code !== USER_DEFINED ? { epsg: code } : {}),
    ...(citation(keys) ? { name: citation(keys) } : {}),
    ellipsoid: ellipsoidOf(result.proj4),
    coordinateFactor: result.coordinatesConversionParameters?.x ?? 1,
  };
  if (projected) {
    crs.linearUnit = linearUnitOf(result.proj4, keys);
  } else {
    const unit = keys["GeogAngularUnitsGeoKey"];
    crs.angularUnit = unit === 9101 ? 1 : unit === 9105 ? Math.PI / 200 : Math.PI / 180;
  }
  return crs;
}

function citation(keys: GeoKeys): string | undefined {
  const c = keys["GTCitationGeoKey"] ?? keys["GeogCitationGeoKey"];
  return typeof c === "string" && c !== "" ? c : undefined;
}

/** Named ellipsoids whose proj4 definitions may carry a spherical +a/+b (Web Mercator). */
const ELLIPSOIDS: Record<string, { a: number; rf: number }> = {
  WGS84: { a: 6378137, rf: 298.257223563 },
  GRS80: { a: 6378137, rf: 298.257222101 },
  clrk66: { a: 6378206.4, rf: 294.978698213898 },
  intl: { a: 6378388, rf: 297 },
  bessel: { a: 6377397.155, rf: 299.1528128 },
  airy: { a: 6377563.396, rf: 299.3249646 },
  krass: { a: 6378245, rf: 298.3 },
  WGS72: { a: 6378135, rf: 298.26 },
};

/**
 * The ellipsoid to measure ground distances on: the datum's named ellipsoid when there is one (EPSG:3857 projects
 * with a sphere but its coordinates are WGS84 lon/lat), else +a with +b or +rf.
 */
export function ellipsoidOf(proj4: string): { a: number; rf: number } {
  const value = (name: string) => new RegExp(`(?:^|\\s)\\+${name}=(\\S+)`).exec(proj4)?.[1];
  const named = value("ellps");
  if (named && ELLIPSOIDS[named]) return ELLIPSOIDS[named]!;
  const a = Number(value("a") ?? 6378137);
  if (value("rf")) return { a, rf: Number(value("rf")) };
  const b = value("b") === undefined ? undefined : Number(value("b"));
  if (b === undefined) return ELLIPSOIDS["WGS84"]!;
  return { a, rf: a === b ? 0 : a / (a - b) };
}

function linearUnitOf(proj4: string, keys: GeoKeys): number {
  // The GeoKey names the unit exactly; proj4 strings carry it rounded (+to_meter=0.3048006096).
  const fromKey =
    typeof keys["ProjLinearUnitsGeoKey"] === "number"
      ? linearUnitFromCode(keys["ProjLinearUnitsGeoKey"])
      : undefined;
  if (fromKey) return fromKey.metres;
  const toMeter = /\+to_meter=(\S+)/.exec(proj4)?.[1];
  if (toMeter) return Number(toMeter);
  const units = /\+units=(\S+)/.exec(proj4)?.[1];
  if (units === "us-ft") return 1200 / 3937;
  if (units === "ft") return 0.3048;
  const code = keys["ProjLinearUnitsGeoKey"];
  return (typeof code === "number" && linearUnitFromCode(code)?.metres) || 1;
}

function verticalUnit(
  keys: GeoKeys,
  bandUnit: string | undefined,
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
 * scratch (synthetic DEMs, resampled grids) with `writeGeoTiff(..., { like })`.
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
  const asProjected = geokeysToProj4.toProj4({
    GTModelTypeGeoKey: 1,
    ProjectedCSTypeGeoKey: epsg,
  } as never) as {
    isGCS: boolean;
  };
  const geographic = asProjected.isGCS;
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
  const gt = geoTransform;
  const tags: GeoTiffTags =
    gt[2] === 0 && gt[4] === 0 && gt[1] > 0 && gt[5] < 0
      ? {
          ModelPixelScale: [gt[1], -gt[5], 0],
          ModelTiepoint: [0, 0, 0, gt[0], gt[3], 0],
          GeoKeyDirectory: keys,
        }
      : {
          ModelTransformation: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3], 0, 0, 0, 0, 0, 0, 0, 1],
          GeoKeyDirectory: keys,
        };
  return georefFromTags(tags, size);
}
