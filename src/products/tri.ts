/**
 * tri: the terrain ruggedness index of the 3×3 window, Riley's √Σ(zᵢ − z₀)² (default, as gdaldem ≥ 3.3) or
 * Wilson's mean |zᵢ − z₀| (bathymetry), in metres (Float32, nodata −9999).
 */
import { defineOptions } from "../options/schema.js";
import { neighbourhoodProduct } from "./neighbourhood-product.js";
import { defineProduct, type OptionsOf } from "./types.js";

const OPTIONS = defineOptions([
  {
    key: "triMethod",
    type: "choice",
    flags: "--tri-method <name>",
    help: "tri: riley (terrestrial, gdaldem's default) or wilson (bathymetric: the mean absolute difference)",
    choices: ["riley", "wilson"],
    default: "riley",
    label: "TRI method",
  },
]);

export default defineProduct({
  name: "tri",
  order: 60,
  description:
    "write the terrain ruggedness index: Riley's root of the squared height differences to the 8 neighbours, or " +
    "Wilson's mean absolute difference, in metres (Float32, nodata -9999; the z-factor does not apply)",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: OPTIONS,
  ...neighbourhoodProduct("TRI", (o: OptionsOf<typeof OPTIONS>) =>
    o.triMethod === "wilson" ? "tri-wilson" : "tri-riley",
  ),
});
