/**
 * relief: the colour relief shaded by a hillshade — the picture cartographers make from two gdaldem runs and an
 * image editor, in one pass. Each colour component is multiplied by the hillshade at RELIEF_SHADE_WEIGHT opacity
 * (docs/algorithms.md); cells without a hillshade keep their colour, alpha is the colour table's.
 */
import { shadeColours, shadeFactors } from "../terrain/colour-relief.js";
import { hillshadeInto } from "../terrain/hillshade.js";
import {
  COLOUR_OPTIONS,
  colourOutput,
  colourSetup,
  colourWarnings,
  colourWindow,
  needsRange,
} from "./colour-options.js";
import { HILLSHADE_VARIANTS, LIGHT_OPTIONS, lightOf } from "./hillshade.js";
import { defineProduct } from "./types.js";

/** The hillshade's opacity in the multiply blend: full shadows would drown the dark colours. */
export const RELIEF_SHADE_WEIGHT = 0.8;

export default defineProduct({
  name: "relief",
  order: 95,
  description:
    "write a shaded relief in colour: the colour relief multiplied by a hillshade (RGB(A) PNG + world file, or GeoTIFF)",
  outputHelp: "output .png or .tif",
  inBatchByDefault: false,
  formats: ["png", "geotiff"],
  options: [
    ...COLOUR_OPTIONS,
    ...LIGHT_OPTIONS,
    {
      key: "hillshadeVariant",
      type: "choice",
      flags: "--hillshade-variant <name>",
      help: "relief: the hillshade's variant (default combined)",
      choices: HILLSHADE_VARIANTS,
      default: "combined",
    },
  ],
  // The hillshade's light is relative to the map, as hillshade's.
  needs: (o) => ({ gridGradient: true, elevationRange: needsRange(o) }),
  output: (o) => colourOutput(o, "average"),
  warnings: colourWarnings,
  kernel(o, spacing, dem) {
    const colours = colourSetup(o, dem);
    const light = lightOf(o, o.hillshadeVariant, spacing);
    const factors = shadeFactors(RELIEF_SHADE_WEIGHT);
    let shade = new Uint8Array(0);
    return ({ grid, elevations: e }, alloc) => {
      const n = e.rows * e.width;
      const bands = colourWindow(o, colours, e, alloc);
      if (shade.length < n) shade = new Uint8Array(n);
      hillshadeInto(grid, light, shade.subarray(0, n));
      shadeColours(bands.slice(0, 3), shade.subarray(0, n), factors);
      return bands;
    };
  },
});
