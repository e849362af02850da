/** Decoding the GeoKeyDirectory (GeoTIFF 1.1 §7) into named keys, as geotiff-geokeys-to-proj4 expects them. */
import { globals } from "geotiff";
import type { GeoTiffTags } from "./types.js";

export type GeoKeys = Record<string, number | string | number[]>;

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
  const names = globals.geoKeyNames as Record<number, string>;
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
