/**
 * northness: the cosine of the aspect from true north, −dz/dnorth ÷ |∇z| — 1 where the slope faces north, −1 where
 * it faces south, 0 east or west. Flat and undefined cells are nodata (−9999), as aspect's are.
 */
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "northness",
  order: 50,
  description:
    "write northness: cos of the aspect from true north (1 facing north, -1 south; Float32, nodata -9999)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: [],
  needs: () => ({ gridGradient: false }),
  output: () => ({
    sampleType: "Float32",
    bands: 1,
    nodata: FLOAT_NODATA,
    bandDescriptions: ["northness"],
    overviewResampling: "mean",
  }),
  kernel:
    () =>
    ({ ground: { dzdx, dzdy } }, alloc) => {
      const out = alloc.float32(dzdx.length);
      for (let i = 0; i < out.length; i++) {
        const norm = Math.sqrt(dzdx[i]! * dzdx[i]! + dzdy[i]! * dzdy[i]!);
        // NaN (nodata) fails the test too.
        out[i] = norm > 0 ? -dzdy[i]! / norm : FLOAT_NODATA;
      }
      return [out];
    },
});
