/**
 * color-relief: each elevation coloured from a colour table — gdaldem's colour files (with GMT .cpt and QGIS
 * exports) or a named ramp — as gdaldem's `color-relief` colours it: RGB or RGBA Byte, nodata cells in the table's
 * colour for the nodata value. Elevations alone: no gradient, no ground spacing.
 */
import {
  COLOUR_FILE_ARGUMENT,
  COLOUR_OPTIONS,
  colourOutput,
  colourSetup,
  colourWarnings,
  colourWindow,
  needsRange,
} from "./colour-options.js";
import { defineProduct } from "./types.js";

export default defineProduct({
  name: "color-relief",
  order: 90,
  description:
    "write a colour relief: elevations coloured from a colour file or a named ramp (RGB(A) GeoTIFF or PNG), like gdaldem color-relief",
  outputHelp: "output .tif or .png",
  inBatchByDefault: false,
  formats: ["geotiff", "png"],
  options: COLOUR_OPTIONS,
  arguments: [COLOUR_FILE_ARGUMENT],
  needs: (o) => ({ gradient: false, gridGradient: false, elevationRange: needsRange(o) }),
  output: (o) => colourOutput(o, "nearest"),
  warnings: colourWarnings,
  kernel(o, _spacing, dem) {
    const colours = colourSetup(o, dem);
    return ({ elevations }, alloc) => colourWindow(o, colours, elevations, alloc);
  },
});
