/**
 * What TRI, TPI and roughness share: made from the elevations around each cell (a one-cell halo, no gradient), one
 * Float32 band with nodata −9999, in metres by default and in the file's unit with `--compat gdaldem`. The z-factor
 * does not apply: it scales derivatives, and these are heights.
 */
import type { CommonResolved } from "../options/common.js";
import { type NeighbourhoodMeasure, neighbourhoodKernel } from "../terrain/neighbourhood.js";
import { FLOAT_NODATA, type OutputSpec, type ProductKernel, type ProductNeeds } from "./types.js";

/** The `needs`, `output` and `kernel` of a neighbourhood product whose measure follows from its options. */
export function neighbourhoodProduct<O extends CommonResolved>(
  band: string,
  measure: (o: O) => NeighbourhoodMeasure,
) {
  return {
    needs: (): ProductNeeds => ({ gradient: false, gridGradient: false, elevationHalo: 1 }),
    output: (o: O): OutputSpec => ({
      sampleType: "Float32",
      bands: 1,
      nodata: FLOAT_NODATA,
      bandDescriptions: [band],
      // gdaldem's values are in the DEM's own unit, which is not known here.
      ...(o.compat ? {} : { units: ["metre"] }),
      overviewResampling: "mean",
    }),
    kernel(o: O): ProductKernel {
      const compute = neighbourhoodKernel({
        measure: measure(o),
        gdaldem: o.compat,
        edges: o.edges,
        nodata: FLOAT_NODATA,
      });
      return ({ elevations }, alloc) => [
        compute(
          elevations,
          o.compat ? 1 : elevations.unitMetres,
          alloc.float32(elevations.rows * elevations.width),
        ),
      ];
    },
  };
}
