/**
 * eastness: the sine of the aspect from true north, −dz/deast ÷ |∇z| — 1 where the slope faces east, −1 where it
 * faces west, 0 north or south. Flat and undefined cells are nodata (−9999); with `--weighted`, times sin(slope),
 * and flat cells are 0.
 */
import { aspectComponentKernel, WEIGHTED_OPTIONS } from "./aspect-components.js";
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "eastness",
  order: 55,
  description:
    "write eastness: sin of the aspect from true north (1 facing east, -1 west; Float32, nodata -9999)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: WEIGHTED_OPTIONS,
  needs: () => ({ gridGradient: false }),
  output: (o) => ({
    sampleType: "Float32",
    bands: 1,
    nodata: FLOAT_NODATA,
    bandDescriptions: [o.weighted ? "eastness × sin(slope)" : "eastness"],
    overviewResampling: "mean",
  }),
  kernel: (o) => aspectComponentKernel("east", o.weighted),
});
