/**
 * northness: the cosine of the aspect from true north, −dz/dnorth ÷ |∇z| — 1 where the slope faces north, −1 where
 * it faces south, 0 east or west. Flat and undefined cells are nodata (−9999), as aspect's are; with `--weighted`,
 * times sin(slope), and flat cells are 0.
 */
import { aspectComponentKernel, WEIGHTED_OPTIONS } from "./aspect-components.js";
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "northness",
  order: 50,
  description:
    "write northness: cos of the aspect from true north (1 facing north, -1 south; Float32, nodata -9999)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: WEIGHTED_OPTIONS,
  needs: () => ({ gridGradient: false }),
  output: (o) => ({
    sampleType: "Float32",
    bands: 1,
    nodata: FLOAT_NODATA,
    bandDescriptions: [o.weighted ? "northness × sin(slope)" : "northness"],
    overviewResampling: "mean",
  }),
  kernel: (o) => aspectComponentKernel("north", o.weighted),
});
