/** Decoding the GeoKeyDirectory (GeoTIFF 1.1 §7) into named keys, as geotiff-geokeys-to-proj4 expects them. */
import type { GeoTiffTags } from "./types.js";

export type GeoKeys = Record<string, number | string | number[]>;

/**
 * The GeoKey names of GeoTIFF 1.1 (§7) by id, as geotiff.js and geotiff-geokeys-to-proj4 spell them: our own table,
 * so reading a DEM's CRS does not load geotiff.js.
 */
const GEO_KEY_NAMES: Readonly<Record<number, string>> = {
  1024: "GTModelTypeGeoKey",
  1025: "GTRasterTypeGeoKey",
  1026: "GTCitationGeoKey",
  2048: "GeographicTypeGeoKey",
  2049: "GeogCitationGeoKey",
  2050: "GeogGeodeticDatumGeoKey",
  2051: "GeogPrimeMeridianGeoKey",
  2052: "GeogLinearUnitsGeoKey",
  2053: "GeogLinearUnitSizeGeoKey",
  2054: "GeogAngularUnitsGeoKey",
  2055: "GeogAngularUnitSizeGeoKey",
  2056: "GeogEllipsoidGeoKey",
  2057: "GeogSemiMajorAxisGeoKey",
  2058: "GeogSemiMinorAxisGeoKey",
  2059: "GeogInvFlatteningGeoKey",
  2060: "GeogAzimuthUnitsGeoKey",
  2061: "GeogPrimeMeridianLongGeoKey",
  2062: "GeogTOWGS84GeoKey",
  3072: "ProjectedCSTypeGeoKey",
  3073: "PCSCitationGeoKey",
  3074: "ProjectionGeoKey",
  3075: "ProjCoordTransGeoKey",
  3076: "ProjLinearUnitsGeoKey",
  3077: "ProjLinearUnitSizeGeoKey",
  3078: "ProjStdParallel1GeoKey",
  3079: "ProjStdParallel2GeoKey",
  3080: "ProjNatOriginLongGeoKey",
  3081: "ProjNatOriginLatGeoKey",
  3082: "ProjFalseEastingGeoKey",
  3083: "ProjFalseNorthingGeoKey",
  3084: "ProjFalseOriginLongGeoKey",
  3085: "ProjFalseOriginLatGeoKey",
  3086: "ProjFalseOriginEastingGeoKey",
  3087: "ProjFalseOriginNorthingGeoKey",
  3088: "ProjCenterLongGeoKey",
  3089: "ProjCenterLatGeoKey",
  3090: "ProjCenterEastingGeoKey",
  3091: "ProjCenterNorthingGeoKey",
  3092: "ProjScaleAtNatOriginGeoKey",
  3093: "ProjScaleAtCenterGeoKey",
  3094: "ProjAzimuthAngleGeoKey",
  3095: "ProjStraightVertPoleLongGeoKey",
  3096: "ProjRectifiedGridAngleGeoKey",
  4096: "VerticalCSTypeGeoKey",
  4097: "VerticalCitationGeoKey",
  4098: "VerticalDatumGeoKey",
  4099: "VerticalUnitsGeoKey",
};

const GEO_DOUBLE_PARAMS = 34736;
const GEO_ASCII_PARAMS = 34737;

/**
 * Named GeoKeys from the raw tags. Keys whose value location cannot be resolved are skipped; unknown key ids are
 * named by their number.
 *
 * @example
 * ```ts
 * decodeGeoKeys({ GeoKeyDirectory: [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32611] });
 * // { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32611 }
 * ```
 */
export function decodeGeoKeys(tags: GeoTiffTags): GeoKeys {
  const dir = tags.GeoKeyDirectory;
  const keys: GeoKeys = {};
  if (!dir || dir.length < 4) return keys;
  const names = GEO_KEY_NAMES;
  const count = dir[3]!;
  for (let k = 0; k < count && 4 + k * 4 + 3 < dir.length; k++) {
    const [id, location, n, offset] = dir.slice(4 + k * 4, 8 + k * 4) as [number, number, number, number];
    const name = names[id] ?? String(id);
    if (location === 0) {
      keys[name] = offset;
    } else if (location === GEO_DOUBLE_PARAMS && tags.GeoDoubleParams) {
      const values = tags.GeoDoubleParams.slice(offset, offset + n);
      if (values.length === n) keys[name] = n === 1 ? values[0]! : values;
    } else if (location === GEO_ASCII_PARAMS && tags.GeoAsciiParams !== undefined) {
      // ASCII values end with "|" (the GeoTIFF separator); some writers leave NULs in.
      keys[name] = tags.GeoAsciiParams.slice(offset, offset + n)
        .replace(/\|$/, "")
        .replace(/\0/g, "");
    }
  }
  return keys;
}

const GEO_KEY_DIRECTORY = 34735;

/**
 * The tags with a GeoKey directory that GDAL (libgeotiff) will read without complaint: keys whose values lie
 * outside their parameter tag, or in a tag that is not one of the three GeoKey tags, are dropped with a warning;
 * a directory with a broken header is dropped whole. What the writers copy from `georef.tags` is then sound.
 *
 * @example
 * ```ts
 * validateGeoKeys({ GeoKeyDirectory: [1, 1, 0, 1, 2062, 34736, 3, 0], GeoDoubleParams: [1] }, console.warn);
 * // warns "GeoKey 2062 …; ignored" and returns { GeoKeyDirectory: [1, 1, 0, 0], GeoDoubleParams: [1] }
 * ```
 */
export function validateGeoKeys(tags: GeoTiffTags, warn: (message: string) => void): GeoTiffTags {
  const dir = tags.GeoKeyDirectory;
  if (!dir) return tags;
  const { GeoKeyDirectory: _, ...rest } = tags;
  if (dir.length < 4 || dir[0] !== 1 || !dir.every((v) => Number.isInteger(v) && v >= 0 && v <= 65535)) {
    warn("the GeoKey directory is corrupt; the georeferencing keys are ignored");
    return rest;
  }
  const declared = dir[3]!;
  const present = Math.floor((dir.length - 4) / 4);
  if (declared > present) warn(`the GeoKey directory lists ${declared} keys but holds ${present}`);
  const entries: number[][] = [];
  const tailValues: number[][] = [];
  const dropped: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < Math.min(declared, present); k++) {
    const [id, location, count, offset] = dir.slice(4 + k * 4, 8 + k * 4) as [number, number, number, number];
    const fits =
      location === 0
        ? count <= 1
        : location === GEO_DOUBLE_PARAMS
          ? tags.GeoDoubleParams !== undefined && count > 0 && offset + count <= tags.GeoDoubleParams.length
          : location === GEO_ASCII_PARAMS
            ? tags.GeoAsciiParams !== undefined &&
              count > 0 &&
              offset + count <= tags.GeoAsciiParams.length + 1
            : location === GEO_KEY_DIRECTORY
              ? count > 0 && offset + count <= dir.length
              : false;
    if (!fits || seen.has(id) || id < 1024) {
      dropped.push(id);
      continue;
    }
    seen.add(id);
    entries.push([id, location, count, offset]);
    tailValues.push(location === GEO_KEY_DIRECTORY ? dir.slice(offset, offset + count) : []);
  }
  if (dropped.length === 0 && declared === present) return tags;
  if (dropped.length > 0) {
    const ids = dropped.slice(0, 5).join(", ") + (dropped.length > 5 ? ", …" : "");
    warn(`GeoKey${dropped.length > 1 ? "s" : ""} ${ids}: value outside the GeoKey tags or repeated; ignored`);
  }
  // Rebuilt: header, kept keys, then the SHORT values some keys keep inside the directory itself.
  const out = [dir[0]!, dir[1]!, dir[2]!, entries.length];
  let tail = 4 + entries.length * 4;
  entries.forEach((entry, i) => {
    if (entry[1] === GEO_KEY_DIRECTORY) {
      entry[3] = tail;
      tail += tailValues[i]!.length;
    }
    out.push(...entry);
  });
  for (const values of tailValues) out.push(...values);
  return { ...rest, GeoKeyDirectory: out };
}
