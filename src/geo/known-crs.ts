/**
 * The proj4 definitions that geotiff-geokeys-to-proj4 gives for the commonest CRSs of DEMs — the WGS 84 and NAD83 UTM
 * zones, WGS 84 geographic and Web Mercator — written out, so that reading such a DEM does not load the library's
 * 1.5 MB of EPSG tables (tens of milliseconds before the first strip). Only for GeoKeys that say nothing else: any
 * other key, or another value, goes to the library. test/geo/known-crs.test.js checks every entry against it.
 */
import type { GeoKeys } from "./geokeys.js";

const WGS84 = "+ellps=WGS84 +a=6378137 +b=6356752.314245179";
const GRS80 = "+ellps=GRS80 +a=6378137 +b=6356752.314140356";

const utm = (zone: number, south: boolean, ellipsoid: string) =>
  `+proj=tmerc +lat_0=0 +lon_0=${6 * zone - 183} +k_0=0.9996 +x_0=500000 +y_0=${south ? 10000000 : 0} ` +
  `${ellipsoid} +pm=0 +axis=en +no_defs `;

/** Projected EPSG codes → definition: WGS 84 / UTM north (326zz) and south (327zz), NAD83 / UTM (269zz), 3857. */
const PROJECTED = new Map<number, string>([
  ...Array.from({ length: 60 }, (_, i): [number, string] => [32601 + i, utm(i + 1, false, WGS84)]),
  ...Array.from({ length: 60 }, (_, i): [number, string] => [32701 + i, utm(i + 1, true, WGS84)]),
  ...Array.from({ length: 23 }, (_, i): [number, string] => [26901 + i, utm(i + 1, false, GRS80)]),
  [
    3857,
    "+proj=merc +lon_0=0 +lat_ts=0 +x_0=0 +y_0=0 +ellps=WGS84 +a=6378137 +b=6378137 +pm=0 +axis=en +no_defs ",
  ],
]);

/** Geographic EPSG codes → definition: WGS 84. */
const GEOGRAPHIC = new Map<number, string>([[4326, `+proj=longlat ${WGS84} +pm=0 +axis=ne +no_defs `]]);

/** The EPSG codes with a definition here. */
export const KNOWN_EPSG_CODES: readonly number[] = [...PROJECTED.keys(), ...GEOGRAPHIC.keys()];

/** Whether a code with a definition here is a projected or a geographic CRS; undefined for any other code. */
export function knownCrsKind(code: number): "projected" | "geographic" | undefined {
  if (PROJECTED.has(code)) return "projected";
  return GEOGRAPHIC.has(code) ? "geographic" : undefined;
}

/** Keys that may come with a known code (GDAL writes them), and the values they may have (undefined: any). */
const COMPANIONS: Record<string, number | undefined> = {
  GTRasterTypeGeoKey: undefined,
  GTCitationGeoKey: undefined,
  GeogCitationGeoKey: undefined,
  PCSCitationGeoKey: undefined,
  GeogAngularUnitsGeoKey: 9102,
};
const PROJECTED_COMPANIONS: Record<string, number | undefined> = {
  ...COMPANIONS,
  ProjLinearUnitsGeoKey: 9001,
};
const GEOGRAPHIC_COMPANIONS: Record<string, number | undefined> = {
  ...COMPANIONS,
  GeogSemiMajorAxisGeoKey: 6378137,
  GeogInvFlatteningGeoKey: 298.257223563,
};

/**
 * geotiff-geokeys-to-proj4's definition for these keys, where they name one of the known CRSs and nothing else;
 * undefined otherwise (ask the library).
 *
 * @example
 * ```ts
 * knownDefinition({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32632, ProjLinearUnitsGeoKey: 9001 });
 * // "+proj=tmerc +lat_0=0 +lon_0=9 +k_0=0.9996 +x_0=500000 +y_0=0 +ellps=WGS84 … +axis=en +no_defs "
 * ```
 */
export function knownDefinition(keys: GeoKeys): string | undefined {
  const projected = keys["GTModelTypeGeoKey"] === 1;
  if (!projected && keys["GTModelTypeGeoKey"] !== 2) return undefined;
  const codeKey = projected ? "ProjectedCSTypeGeoKey" : "GeographicTypeGeoKey";
  const code = keys[codeKey];
  const definition = typeof code === "number" ? (projected ? PROJECTED : GEOGRAPHIC).get(code) : undefined;
  if (definition === undefined) return undefined;
  const companions = projected ? PROJECTED_COMPANIONS : GEOGRAPHIC_COMPANIONS;
  for (const [key, value] of Object.entries(keys)) {
    if (key === "GTModelTypeGeoKey" || key === codeKey) continue;
    if (!(key in companions)) return undefined;
    const allowed = companions[key];
    if (allowed !== undefined && value !== allowed) return undefined;
  }
  return definition;
}
