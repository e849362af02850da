/**
 * What the colour products (color-relief, relief) share: the colour table's options (a file or a named ramp, alpha,
 * gdaldem's selection modes), its output bands and the table made concrete for one DEM.
 */
import { defineOptions, type ResolvedOf } from "../options/schema.js";
import { namedRamp, RAMP_NAMES } from "../terrain/colour-ramps.js";
import { type ColourReliefOptions, colourReliefInto } from "../terrain/colour-relief.js";
import {
  type ColourSelection,
  type ColourTable,
  colourLut,
  parseColourTable,
  usesNodata,
  usesPercentages,
} from "../terrain/colour-table.js";
import type { DemContext, ElevationWindow, OutputSpec, ProductArgument } from "./types.js";

export const COLOUR_OPTIONS = defineOptions([
  {
    key: "colorFile",
    type: "file",
    flags: "--color-file <file>",
    help:
      "colour table: gdaldem's colour file (elevation R G B [A] lines; nv, 50%, GRASS names), a GMT .cpt or a " +
      "QGIS colour-map export",
    parse: parseColourTable,
    conflicts: ["ramp"],
  },
  {
    key: "ramp",
    type: "choice",
    flags: "--ramp <name>",
    help: "named colour ramp instead of a file (default terrain; docs/algorithms.md shows each)",
    choices: RAMP_NAMES,
  },
  {
    key: "alpha",
    type: "boolean",
    flags: "--alpha",
    help: "colour relief, relief: add an alpha band (RGBA), the table's fourth value",
    default: false,
  },
  {
    key: "exactColor",
    type: "boolean",
    flags: "--exact-color",
    help: "colour only elevations equal to an entry, others 0,0,0,0 (gdaldem -exact_color_entry)",
    default: false,
    conflicts: ["nearestColor"],
  },
  {
    key: "nearestColor",
    type: "boolean",
    flags: "--nearest-color",
    help: "the colour of the nearest entry, not interpolated (gdaldem -nearest_color_entry)",
    default: false,
  },
]);

/** The colour file as a positional argument of a product's own command. */
export const COLOUR_FILE_ARGUMENT: ProductArgument = {
  key: "colorFile",
  name: "color-file",
  help: "colour file (gdaldem's syntax, .cpt or QGIS export); without it --ramp, else the terrain ramp",
};

type ColourOptions = ResolvedOf<typeof COLOUR_OPTIONS>;

/** The table a run uses: the file, else the named ramp (terrain by default). */
function tableOf(o: ColourOptions, unitMetres = 1): ColourTable {
  return o.colorFile ?? namedRamp(o.ramp ?? "terrain", unitMetres);
}

/** Whether the table needs the DEM's range (it has percentages). */
export function needsRange(o: ColourOptions): boolean {
  return usesPercentages(tableOf(o));
}

/** The flags first, then the file's own interpolation (QGIS exports name theirs), then interpolation. */
function selectionOf(o: ColourOptions, table: ColourTable): ColourSelection {
  return o.exactColor ? "exact" : o.nearestColor ? "nearest" : (table.selection ?? "interpolate");
}

/** The table made concrete for the DEM, with its selection mode and the DEM's nodata. */
export function colourSetup(o: ColourOptions, dem: DemContext): ColourReliefOptions {
  const table = tableOf(o, dem.unitMetres);
  const selection = selectionOf(o, table);
  return { lut: colourLut(table, dem, selection), selection, nodata: dem.nodata };
}

/** gdaldem's warning: an `nv` entry means nothing on a DEM without nodata. */
export function colourWarnings(o: ColourOptions, dem: DemContext): string[] {
  return o.colorFile && usesNodata(o.colorFile) && dem.nodata === undefined
    ? ["the colour table's nodata entry (nv) is ignored: the DEM has no nodata value"]
    : [];
}

/**
 * RGB, or RGBA with --alpha: Byte bands without nodata (nodata cells take the table's colour, as in gdaldem).
 * Overviews: a table's colours stay colours that occur (`nearest`); a shaded picture is averaged.
 */
export function colourOutput(o: ColourOptions, overviewResampling: "nearest" | "average"): OutputSpec {
  return {
    sampleType: "Byte",
    bands: o.alpha ? 4 : 3,
    colour: o.alpha ? "rgba" : "rgb",
    nodata: undefined,
    bandDescriptions: o.alpha ? ["red", "green", "blue", "alpha"] : ["red", "green", "blue"],
    overviewResampling,
  };
}

/** The colours of a strip's cells: red, green, blue and, with --alpha, alpha bands from `alloc`. */
export function colourWindow(
  o: ColourOptions,
  colours: ColourReliefOptions,
  e: ElevationWindow,
  alloc: { uint8(length: number): Uint8Array },
): Uint8Array[] {
  const bands = Array.from({ length: o.alpha ? 4 : 3 }, () => alloc.uint8(e.rows * e.width));
  const cells = {
    data: e.strip.data,
    stripWidth: e.strip.width,
    firstRow: e.firstRow - e.strip.firstRow,
    rows: e.rows,
    x: e.x,
    width: e.width,
  };
  colourReliefInto(cells, colours, bands);
  return bands;
}
