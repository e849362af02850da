/**
 * hillshade: shaded relief with gdaldem's four variants; the light's azimuth is relative to the map (light from the
 * upper left stays upper left on the image), DESIGN §2. Byte 1..255, 0 = nodata.
 */
import type { SpacingModel } from "../geo/types.js";
import { defineOptions } from "../options/schema.js";
import {
  type HillshadeOptions,
  type HillshadeVariant,
  hillshadeInto,
  normalAzimuth,
} from "../terrain/hillshade.js";
import { pixelAspectRatio } from "./gdaldem-compat.js";
import { defineProduct } from "./types.js";

/** gdaldem's hillshade variants. */
export const HILLSHADE_VARIANTS = ["regular", "combined", "multidirectional", "igor"] as const;

/** The light's direction and height, shared by the products that shade (hillshade, relief). */
export const LIGHT_OPTIONS = defineOptions([
  {
    key: "azimuth",
    type: "number",
    flags: "--azimuth <deg>",
    help: "hillshade, relief: direction of the light, clockwise from north (default 315)",
    default: 315,
  },
  {
    key: "altitude",
    type: "number",
    flags: "--altitude <deg>",
    help: "hillshade, relief: height of the light above the horizon, greater than 0 and at most 90 (default 45)",
    default: 45,
    range: { min: 0, max: 90, exclusiveMin: true },
  },
]);

/** The hillshade kernel's options from resolved ones: gdaldem's igor takes the aspect in image space. */
export function lightOf(
  o: { azimuth: number; altitude: number; compat: boolean },
  variant: HillshadeVariant,
  spacing: SpacingModel,
): Required<HillshadeOptions> {
  return {
    azimuth: normalAzimuth(o.azimuth),
    altitude: o.altitude,
    variant,
    pixelAspect: o.compat ? pixelAspectRatio(spacing) : 1,
  };
}

export default defineProduct({
  name: "hillshade",
  order: 30,
  description: "write a shaded relief: grey PNG (+ world file) or Byte GeoTIFF; 0 = nodata",
  outputHelp: "output .png or .tif",
  inBatchByDefault: true,
  formats: ["png", "geotiff"],
  options: [
    ...LIGHT_OPTIONS,
    {
      key: "variant",
      type: "choice",
      flags: "--variant <name>",
      help: "hillshade variant",
      choices: HILLSHADE_VARIANTS,
      default: "regular",
    },
  ],
  // The light is relative to the map: shade the gradient along the map's axes.
  needs: () => ({ gridGradient: true }),
  output: () => ({
    sampleType: "Byte",
    bands: 1,
    nodata: 0,
    bandDescriptions: ["hillshade"],
    overviewResampling: "average",
  }),
  kernel(o, spacing) {
    const options = lightOf(o, o.variant, spacing);
    return ({ grid }, alloc) => [hillshadeInto(grid, options, alloc.uint8(grid.dzdx.length))];
  },
});
