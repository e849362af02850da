/** tpi: the topographic position index, the cell's height minus the mean of its 8 neighbours, in metres. */
import { neighbourhoodProduct } from "./neighbourhood-product.js";
import { defineProduct } from "./types.js";

export default defineProduct({
  name: "tpi",
  order: 70,
  description:
    "write the topographic position index: height minus the mean of the 8 neighbours, in metres (Float32, " +
    "nodata -9999; the z-factor does not apply)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: [],
  ...neighbourhoodProduct("TPI", () => "tpi"),
});
