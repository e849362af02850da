/** gradient: dz/dx (east) and dz/dy (north) in m/m as two Float32 bands, nodata −9999 (DESIGN §1). */
import type { GradientStrip } from "../terrain/types.js";
import { type BandAllocator, defineProduct, FLOAT_NODATA } from "./types.js";

/** Float32 copy with NaN replaced by the float nodata value. */
function toFloat32(values: Float64Array, alloc: BandAllocator): Float32Array {
  const out = alloc.float32(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === v ? v : FLOAT_NODATA;
  }
  return out;
}

export default defineProduct({
  name: "gradient",
  order: 40,
  description: "write dz/dx (east) and dz/dy (north) in m/m as a 2-band Float32 GeoTIFF",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: [],
  needs: () => ({ gridGradient: false }),
  output: () => ({
    sampleType: "Float32",
    bands: 2,
    nodata: FLOAT_NODATA,
    bandDescriptions: ["dz/dx (east)", "dz/dy (north)"],
    units: ["m/m", "m/m"],
    overviewResampling: "mean",
  }),
  kernel:
    () =>
    ({ ground }: { ground: GradientStrip }, alloc) => [
      toFloat32(ground.dzdx, alloc),
      toFloat32(ground.dzdy, alloc),
    ],
});
