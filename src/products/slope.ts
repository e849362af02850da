/** slope: the steepest angle of the terrain, atan(|∇z|) in degrees or 100·|∇z| percent (DESIGN §2). */
import { slopeInto } from "../terrain/slope.js";
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "slope",
  order: 10,
  description: "write slope (Float32 GeoTIFF, nodata -9999)",
  outputHelp: "output .tif",
  inBatchByDefault: true,
  formats: ["geotiff"],
  options: [
    {
      key: "unit",
      type: "choice",
      flags: "--unit <unit>",
      help: "slope in degree or percent",
      choices: ["degree", "percent"],
      default: "degree",
    },
  ],
  needs: () => ({ gridGradient: false }),
  output: (o) => ({
    sampleType: "Float32",
    bands: 1,
    nodata: FLOAT_NODATA,
    bandDescriptions: ["slope"],
    units: [o.unit === "percent" ? "percent" : "degree"],
    overviewResampling: "mean",
  }),
  kernel(o) {
    const options = { unit: o.unit, nodata: FLOAT_NODATA };
    return ({ ground }, alloc) => [slopeInto(ground, options, alloc.float32(ground.dzdx.length))];
  },
});
