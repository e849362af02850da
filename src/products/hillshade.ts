/**
 * hillshade: shaded relief with gdaldem's four variants; the light's azimuth is relative to the map (light from the
 * upper left stays upper left on the image), DESIGN §2. Byte 1..255, 0 = nodata.
 */
import { hillshadeInto, normalAzimuth } from "../terrain/hillshade.js";
import { pixelAspectRatio } from "./gdaldem-compat.js";
import { defineProduct } from "./types.js";

export default defineProduct({
  name: "hillshade",
  order: 30,
  description: "write a shaded relief: grey PNG (+ world file) or Byte GeoTIFF; 0 = nodata",
  outputHelp: "output .png or .tif",
  inBatchByDefault: true,
  formats: ["png", "geotiff"],
  options: [
    {
      key: "azimuth",
      type: "number",
      flags: "--azimuth <deg>",
      help: "hillshade: direction of the light, clockwise from north (default 315)",
      default: 315,
    },
    {
      key: "altitude",
      type: "number",
      flags: "--altitude <deg>",
      help: "hillshade: height of the light above the horizon, greater than 0 and at most 90 (default 45)",
      default: 45,
      range: { min: 0, max: 90, exclusiveMin: true },
    },
    {
      key: "variant",
      type: "choice",
      flags: "--variant <name>",
      help: "hillshade variant",
      choices: ["regular", "combined", "multidirectional", "igor"],
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
    const options = {
      azimuth: normalAzimuth(o.azimuth),
      altitude: o.altitude,
      variant: o.variant,
      // gdaldem's igor takes the aspect in image space.
      pixelAspect: o.compat ? pixelAspectRatio(spacing) : 1,
    };
    return ({ grid }, alloc) => [hillshadeInto(grid, options, alloc.uint8(grid.dzdx.length))];
  },
});
