/**
 * Reading and editing proj4 definition strings. Kept apart from crs.ts so the spacing model (and the strip
 * workers that build it) load proj4 alone, not the GeoKey tables.
 */
import { createRequire } from "node:module";
import type Proj4 from "proj4";

let proj4Module: typeof Proj4 | undefined;

/** proj4js, loaded on first use (it takes ~0.1 s): commands and strip workers that need no CRS never load it. */
export function proj4(): typeof Proj4 {
  proj4Module ??= createRequire(import.meta.url)("proj4") as typeof Proj4;
  return proj4Module;
}

/**
 * The value of one `+name=value` parameter.
 *
 * @example
 * ```ts
 * proj4Parameter("+proj=utm +zone=32 +units=m", "zone"); // "32"
 * ```
 */
export function proj4Parameter(definition: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)\\+${name}=(\\S+)`).exec(definition)?.[1];
}

/**
 * The definition without datum-shift parameters: inverse projection then yields lon/lat on the CRS's own datum and
 * ellipsoid — the one distances are measured on — instead of lon/lat shifted to WGS84.
 *
 * @example
 * ```ts
 * withoutDatumShift("+proj=aea +lat_1=29.5 +lat_2=45.5 +ellps=clrk66 +towgs84=-8,160,176 +units=m");
 * // "+proj=aea +lat_1=29.5 +lat_2=45.5 +ellps=clrk66 +units=m"
 * ```
 */
export function withoutDatumShift(definition: string): string {
  const ellipsoidGiven = /(?:^|\s)\+(ellps|a|R)=/.test(definition);
  const datum = proj4Parameter(definition, "datum");
  // A datum name also names an ellipsoid: keep that when nothing else gives one.
  const ellps =
    datum !== undefined && !ellipsoidGiven ? (proj4().Proj(definition) as { ellps?: string }).ellps : "";
  const bare = definition.replace(/\s?\+(towgs84|nadgrids|datum)=\S+/g, "").trim();
  return ellps ? `${bare} +ellps=${ellps}` : bare;
}
