/**
 * GeoKeys → `Crs`: kind, EPSG code, a proj4 definition that takes raster coordinates as they are, units and the
 * ellipsoid to measure ground distances on.
 */
import { createRequire } from "node:module";
import type GeokeysToProj4 from "geotiff-geokeys-to-proj4";
import type { GeoKeys } from "./geokeys.js";
import { knownDefinition } from "./known-crs.js";
import { proj4, proj4Parameter } from "./proj4-definition.js";
import type { Crs } from "./types.js";
import { linearUnitFromCode, US_SURVEY_FOOT } from "./units.js";

let geokeysModule: typeof GeokeysToProj4 | undefined;

/** geotiff-geokeys-to-proj4 (1.5 MB of EPSG tables), loaded when a CRS is first read, not at start-up. */
export function geokeysToProj4(): typeof GeokeysToProj4 {
  geokeysModule ??= createRequire(import.meta.url)("geotiff-geokeys-to-proj4") as typeof GeokeysToProj4;
  return geokeysModule;
}

const USER_DEFINED = 32767;
const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;

/** Angular unit codes (GeogAngularUnitsGeoKey) to radians; anything else is taken as degrees. */
const ANGULAR_UNITS: Record<number, number> = { 9101: 1, 9102: Math.PI / 180, 9105: Math.PI / 200 };

/**
 * The CRS described by decoded GeoKeys. Keys without a projected or geographic model type (engineering CRSs,
 * malformed directories) give `kind: "local"`; no keys at all give `kind: "none"`.
 *
 * @example
 * ```ts
 * crsFromKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32611 });
 * // { kind: "projected", epsg: 32611, proj4: "+proj=tmerc … +units=m +no_defs", linearUnit: 1, … }
 * ```
 */
export function crsFromKeys(keys: GeoKeys): Crs {
  const modelType = keys["GTModelTypeGeoKey"];
  const code = modelType === MODEL_PROJECTED ? keys["ProjectedCSTypeGeoKey"] : keys["GeographicTypeGeoKey"];
  const name = crsName(keys, isEpsgCode(code) ? code : undefined);
  if (modelType !== MODEL_PROJECTED && modelType !== MODEL_GEOGRAPHIC) {
    if (Object.keys(keys).length === 0) return { kind: "none" };
    return name ? { kind: "local", name } : { kind: "local" };
  }
  const projected = modelType === MODEL_PROJECTED;
  const input: GeoKeys = { ...keys };
  // geotiff-geokeys-to-proj4 answers lon/lat when a projected EPSG code and a geographic key are both set.
  if (projected && isEpsgCode(keys["ProjectedCSTypeGeoKey"])) delete input["GeographicTypeGeoKey"];
  let definition: string;
  let errors: Record<string, unknown> = {};
  const known = knownDefinition(input);
  if (known !== undefined) {
    definition = known;
  } else {
    try {
      ({ proj4: definition, errors } = geokeysToProj4().toProj4(input as never) as unknown as {
        proj4: string;
        errors: Record<string, unknown>;
      });
      proj4().Proj(definition); // a definition proj4js cannot parse is as good as none
    } catch {
      return name ? { kind: "local", name } : { kind: "local" };
    }
  }
  // An unknown code gives a lon/lat definition in place of the CRS asked for: never use it as that CRS.
  const problem = unsupported(errors, projected);
  if (problem) return name ? { kind: "local", name, problem } : { kind: "local", problem };
  // Raster coordinates are always easting/northing (lon/lat): an +axis=ne from the EPSG tables would swap them.
  definition = definition.replace(/\s\+axis=\S+/, "").trim();
  const crs: Crs = { kind: projected ? "projected" : "geographic" };
  if (isEpsgCode(code)) crs.epsg = code;
  if (name) crs.name = name;
  if (projected) {
    crs.linearUnit = linearUnitOf(definition, keys);
    crs.proj4 = withLinearUnit(definition, crs.linearUnit);
  } else {
    crs.proj4 = definition;
    const unit = keys["GeogAngularUnitsGeoKey"];
    crs.angularUnit = (typeof unit === "number" && ANGULAR_UNITS[unit]) || Math.PI / 180;
  }
  crs.coordinateFactor = 1;
  crs.ellipsoid = ellipsoidOf(crs.proj4);
  return crs;
}

/** What geotiff-geokeys-to-proj4 could not convert, in words; undefined when nothing that matters failed. */
function unsupported(errors: Record<string, unknown>, projected: boolean): string | undefined {
  const code = errors["CRSNotSupported"];
  if (code !== undefined) {
    const key = projected ? "ProjectedCSTypeGeoKey" : "GeographicTypeGeoKey";
    return `unknown EPSG code ${code} (${key})`;
  }
  if (errors["conversionNotSupported"] !== undefined)
    return `unknown projection code ${errors["conversionNotSupported"]} (ProjectionGeoKey)`;
  if (errors["coordinateTransformationNotSupported"] !== undefined) {
    const code = errors["coordinateTransformationNotSupported"];
    return `unsupported coordinate transformation ${code} (ProjCoordTransGeoKey)`;
  }
  return undefined;
}

function isEpsgCode(code: unknown): code is number {
  return typeof code === "number" && code > 0 && code !== USER_DEFINED;
}

function citation(keys: GeoKeys): string | undefined {
  const c = keys["GTCitationGeoKey"] ?? keys["GeogCitationGeoKey"];
  return typeof c === "string" && c !== "" ? c : undefined;
}

/** Citations that name nothing: GDAL writes "unnamed" or "unknown" for a CRS it had no name for. */
const PLACEHOLDER_CITATION = /^\(?(unnamed|unknown)\)?$/i;

/**
 * The CRS's name: the file's citation, unless it is a placeholder and the EPSG code gives the name (EPSG:26712's
 * files cite "unnamed": it is "NAD27 / UTM zone 12N").
 */
function crsName(keys: GeoKeys, epsg: number | undefined): string | undefined {
  const cited = citation(keys);
  if (cited !== undefined && !PLACEHOLDER_CITATION.test(cited.trim())) return cited;
  return (epsg !== undefined ? epsgName(epsg) : undefined) ?? cited;
}

/** Common geographic CRSs by EPSG code. */
const GEOGRAPHIC_NAMES: Record<number, string> = {
  4326: "WGS 84",
  4322: "WGS 72",
  4269: "NAD83",
  4267: "NAD27",
  4258: "ETRS89",
  4283: "GDA94",
};
/** UTM families of common datums: the datum's CRS name, the code of zone 0, the zones, the hemisphere. */
const UTM_FAMILIES: Array<[datum: string, zone0: number, zones: [number, number], hemisphere: "N" | "S"]> = [
  ["WGS 84", 32600, [1, 60], "N"],
  ["WGS 84", 32700, [1, 60], "S"],
  ["WGS 72", 32200, [1, 60], "N"],
  ["WGS 72", 32300, [1, 60], "S"],
  ["NAD83", 26900, [1, 23], "N"],
  ["NAD27", 26700, [1, 22], "N"],
  ["ETRS89", 25800, [28, 38], "N"],
];

/**
 * EPSG's name of a common CRS (the tables demgrad carries hold definitions, not names); undefined for others.
 *
 * @example
 * ```ts
 * epsgName(26712); // "NAD27 / UTM zone 12N"
 * ```
 */
export function epsgName(code: number): string | undefined {
  if (code === 3857) return "WGS 84 / Pseudo-Mercator";
  const geographic = GEOGRAPHIC_NAMES[code];
  if (geographic) return geographic;
  for (const [datum, base, [first, last], hemisphere] of UTM_FAMILIES) {
    const zone = code - base;
    if (zone >= first && zone <= last) return `${datum} / UTM zone ${zone}${hemisphere}`;
  }
  return undefined;
}

/** Metres per raster coordinate unit: the GeoKey names it exactly; proj4 strings carry it rounded. */
function linearUnitOf(definition: string, keys: GeoKeys): number {
  const code = keys["ProjLinearUnitsGeoKey"];
  const fromKey = typeof code === "number" ? linearUnitFromCode(code) : undefined;
  if (fromKey) return fromKey.metres;
  const toMeter = proj4Parameter(definition, "to_meter");
  if (toMeter !== undefined && Number(toMeter) > 0) return Number(toMeter);
  const units = proj4Parameter(definition, "units");
  if (units === "us-ft") return US_SURVEY_FOOT;
  if (units === "ft") return 0.3048;
  return 1;
}

/**
 * The definition with one unit statement: geotiff-geokeys-to-proj4 puts `+to_meter` into EPSG definitions but asks
 * callers to scale coordinates for user-defined ones; demgrad states the unit in the definition, exactly, always.
 */
function withLinearUnit(definition: string, metres: number): string {
  const bare = definition
    .replace(/\s\+(to_meter|units)=\S+/g, "")
    .replace(/\s*\+no_defs\s*$/, "")
    .trim();
  return `${bare} ${metres === 1 ? "+units=m" : `+to_meter=${metres}`} +no_defs`;
}

/** Exact parameters of common named ellipsoids (proj4js keeps only a and b, losing the last digits of 1/f). */
const NAMED_ELLIPSOIDS: Record<string, { a: number; rf: number }> = {
  WGS84: { a: 6378137, rf: 298.257223563 },
  GRS80: { a: 6378137, rf: 298.257222101 },
  clrk66: { a: 6378206.4, rf: 294.978698213898 },
  intl: { a: 6378388, rf: 297 },
  bessel: { a: 6377397.155, rf: 299.1528128 },
  airy: { a: 6377563.396, rf: 299.3249646 },
  krass: { a: 6378245, rf: 298.3 },
  WGS72: { a: 6378135, rf: 298.26 },
};

/** a and 1/f (0 for a sphere) of a proj4js-parsed definition. */
function parsedEllipsoid(definition: string): { a: number; rf: number } {
  const { a, b } = proj4().Proj(definition) as unknown as { a: number; b: number };
  return { a, rf: a === b ? 0 : a / (a - b) };
}

/**
 * The ellipsoid to measure ground distances on: the datum's named ellipsoid when there is one — EPSG:3857 projects
 * with a sphere (`+a=6378137 +b=6378137`) but its coordinates are WGS84 lon/lat — else the definition's own.
 *
 * @example
 * ```ts
 * ellipsoidOf("+proj=merc +ellps=WGS84 +a=6378137 +b=6378137 +no_defs"); // { a: 6378137, rf: 298.257223563 }
 * ellipsoidOf("+proj=longlat +a=6376428 +rf=311.5 +no_defs");            // { a: 6376428, rf: 311.5 }
 * ```
 */
export function ellipsoidOf(definition: string): { a: number; rf: number } {
  const named = proj4Parameter(definition, "ellps");
  if (named !== undefined) {
    const known = NAMED_ELLIPSOIDS[named];
    if (known) return known;
    try {
      return parsedEllipsoid(`+proj=longlat +ellps=${named} +no_defs`);
    } catch {
      // An ellipsoid name proj4js does not know: fall back to the definition's own numbers.
    }
  }
  const rf = proj4Parameter(definition, "rf");
  const a = proj4Parameter(definition, "a");
  if (rf !== undefined && a !== undefined) return { a: Number(a), rf: Number(rf) };
  return parsedEllipsoid(definition);
}
