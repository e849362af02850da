/** What `demgrad info` reports: the DEM's layout, georeferencing, ground spacing and elevation range. */

import { InputError } from "../errors.js";
import { spacingModel, spacingRange } from "../geo/spacing.js";
import { cogLayout } from "../io/cog-info.js";
import type { DemSource, OpenOptions } from "../io/dem-reader.js";
import { openDem } from "../io/dem-reader.js";
import { stripRowsFor } from "./derivative-plan.js";

/** The `info --json` object (DESIGN §5). */
export interface DemInfo {
  file: string;
  width: number;
  height: number;
  bandCount: number;
  band: number;
  dataType: string;
  nodata: number | string | null;
  layout: { tiled: boolean; blockWidth: number; blockHeight: number; compression: string; bigTiff: boolean };
  /** Whether the file is laid out as a Cloud Optimized GeoTIFF, and its internal overviews (largest first). */
  cog: { valid: boolean; overviews: { width: number; height: number }[] };
  crs: { kind: string; epsg: number | null; proj4: string | null; name: string | null };
  geoTransform: number[] | null;
  /** Geotransform pixel size in the CRS's own units. */
  pixelSize: { x: number; y: number } | null;
  /** Ground distance between neighbouring pixel centres, metres (null when the georeferencing cannot give it). */
  groundSpacing: { dxMin: number; dxMax: number; dyMin: number; dyMax: number } | null;
  groundSpacingError?: string;
  verticalUnit: { name: string; metres: number; source: string };
  elevation: { min: number; max: number; validPixels: number } | null;
}

/**
 * Describes a DEM; reads every pixel once (in strips) for the elevation range.
 *
 * @example
 * ```ts
 * import { describeDem } from "demgrad";
 * const info = await describeDem("N43E006.tiff");
 * console.log(info.crs.epsg, info.groundSpacing?.dxMin);
 * ```
 */
export async function describeDem(source: DemSource, options: OpenOptions = {}): Promise<DemInfo> {
  const dem = await openDem(source, options);
  try {
    // A VRT (read above) is no TIFF, so no COG either.
    const cog = await cogLayout(source).catch((error: unknown) => {
      if (error instanceof InputError && error.message === "not a TIFF file")
        return { cog: false, overviews: [] };
      throw error;
    });
    const { georef } = dem;
    const gt = georef.geoTransform;
    let groundSpacing: DemInfo["groundSpacing"] = null;
    let groundSpacingError: string | undefined;
    try {
      groundSpacing = spacingRange(spacingModel(georef, { mode: "ground" }));
    } catch (error) {
      groundSpacingError = (error as Error).message;
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let valid = 0;
    const step = stripRowsFor(dem.width);
    for (let row = 0; row < dem.height; row += step) {
      const values = await dem.readRows(row, Math.min(step, dem.height - row));
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v !== v) continue;
        valid++;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    return {
      file: dem.source,
      width: dem.width,
      height: dem.height,
      bandCount: dem.bandCount,
      band: dem.band,
      dataType: dem.sampleType,
      nodata: dem.nodata === undefined ? null : Number.isNaN(dem.nodata) ? "nan" : dem.nodata,
      layout: dem.layout,
      cog: { valid: cog.cog, overviews: cog.overviews },
      crs: {
        kind: georef.crs.kind,
        epsg: georef.crs.epsg ?? null,
        proj4: georef.crs.proj4 ?? null,
        name: georef.crs.name ?? null,
      },
      geoTransform: gt ? [...gt] : null,
      pixelSize: gt ? { x: Math.abs(gt[1]), y: Math.abs(gt[5]) } : null,
      groundSpacing,
      ...(groundSpacingError ? { groundSpacingError } : {}),
      verticalUnit: { ...georef.verticalUnit },
      elevation: valid > 0 ? { min, max, validPixels: valid } : null,
    };
  } finally {
    await dem.close();
  }
}

/** Human-readable form of `describeDem`'s result. */
export function formatDemInfo(info: DemInfo): string {
  const lines = [
    `File:            ${info.file}`,
    `Size:            ${info.width} × ${info.height} pixels, band ${info.band} of ${info.bandCount}, ${info.dataType}`,
    `Layout:          ${info.layout.tiled ? `tiled ${info.layout.blockWidth}×${info.layout.blockHeight}` : `strips of ${info.layout.blockHeight} rows`}, ${info.layout.compression === "none" ? "uncompressed" : info.layout.compression}${info.layout.bigTiff ? ", BigTIFF" : ""}`,
    `COG:             ${info.cog.valid ? "yes" : "no"}, ${info.cog.overviews.length ? `overviews ${info.cog.overviews.map((o) => `${o.width}×${o.height}`).join(", ")}` : "no overviews"}`,
    `Nodata:          ${info.nodata ?? "none"}`,
    `CRS:             ${info.crs.kind}${info.crs.epsg ? ` EPSG:${info.crs.epsg}` : ""}${info.crs.name ? ` (${info.crs.name})` : ""}`,
  ];
  if (info.crs.proj4) lines.push(`proj4:           ${info.crs.proj4}`);
  lines.push(`Geotransform:    ${info.geoTransform ? info.geoTransform.map(g15).join(", ") : "none"}`);
  if (info.pixelSize)
    lines.push(`Pixel size:      ${g15(info.pixelSize.x)} × ${g15(info.pixelSize.y)} (CRS units)`);
  const g = info.groundSpacing;
  lines.push(
    g
      ? `Ground spacing:  dx ${fmt(g.dxMin)}–${fmt(g.dxMax)} m, dy ${fmt(g.dyMin)}–${fmt(g.dyMax)} m`
      : `Ground spacing:  unavailable (${info.groundSpacingError})`,
  );
  lines.push(
    `Vertical unit:   ${info.verticalUnit.name} (${significant(info.verticalUnit.metres, 10)} m, ${UNIT_SOURCES[info.verticalUnit.source] ?? `from ${info.verticalUnit.source}`})`,
  );
  const e = info.elevation;
  const z = (v: number) => elevation(v, info.dataType);
  lines.push(
    e
      ? `Elevation:       ${z(e.min)} to ${z(e.max)} (${e.validPixels} valid pixels)`
      : "Elevation:       no valid pixels",
  );
  return lines.join("\n");
}

/** Where the vertical unit came from, in words (the keys are `Georef["verticalUnit"]["source"]`). */
const UNIT_SOURCES: Record<string, string> = {
  geokey: "from VerticalUnitsGeoKey",
  "band-unit": "from the band's unit",
  option: "from --vertical-unit",
  "crs-linear-unit": "assumed from the CRS's linear unit: no vertical unit is tagged",
  default: "by default: no vertical unit is tagged",
};

/** At most `digits` significant digits, trailing zeros dropped. */
function significant(v: number, digits: number): string {
  return String(Number(v.toPrecision(digits)));
}

/** Ground spacing: metres to six significant digits (a tenth of a millimetre on 30 m). */
function fmt(v: number): string {
  return significant(v, 6);
}

/** Coordinates and pixel sizes as gdalinfo prints them (%.15g). */
function g15(v: number): string {
  return significant(v, 15);
}

/**
 * An elevation as the file stores it: a Float32 (or integer) value with the fewest digits that read back as the
 * same Float32 — 138.28888, not its 17-digit double 138.28887939453125 — anything else as %.15g.
 */
function elevation(v: number, dataType: string): string {
  if (dataType !== "Float64" && Math.fround(v) === v) {
    for (let digits = 1; digits < 9; digits++) {
      const shorter = Number(v.toPrecision(digits));
      if (Math.fround(shorter) === v) return String(shorter);
    }
  }
  return g15(v);
}
