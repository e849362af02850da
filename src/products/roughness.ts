/** roughness: the largest minus the smallest height of the 3×3 window, in metres. */
import { neighbourhoodProduct } from "./neighbourhood-product.js";
import { defineProduct } from "./types.js";

export default defineProduct({
  name: "roughness",
  order: 80,
  description:
    "write roughness: the largest minus the smallest height of the 3x3 window, in metres (Float32, nodata -9999; " +
    "the z-factor does not apply)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: [],
  ...neighbourhoodProduct("roughness", () => "roughness"),
});
