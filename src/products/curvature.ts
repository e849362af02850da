/**
 * curvature: Florinsky's curvatures of the land surface in 1/m (Gaussian in 1/m²; convex positive), from second
 * derivatives in true ground metres (src/terrain/second-derivatives.ts): one Float32 band per `--type`, nodata −9999.
 */
import { CURVATURE_TYPES, curvatureInto } from "../terrain/curvature.js";
import type { GridMetric } from "../terrain/grid-metric.js";
import {
  computeSecondDerivatives,
  SECOND_DERIVATIVE_HALO,
  secondDerivativeMetric,
} from "../terrain/second-derivatives.js";
import { defineProduct, FLOAT_NODATA } from "./types.js";

export default defineProduct({
  name: "curvature",
  order: 85,
  description:
    "write curvatures in 1/m (Florinsky's, convex positive; gaussian in 1/m^2), one Float32 band per --type, " +
    "nodata -9999; --method gradient (default) or zevenbergen-thorne",
  outputHelp: "output .tif",
  inBatchByDefault: false,
  formats: ["geotiff"],
  options: [
    {
      key: "curvatureType",
      type: "choice-list",
      flags: "--type <types>",
      help:
        "curvature: profile, tangential, plan, mean, gaussian, minimal or maximal; several comma-separated, " +
        "one band each",
      choices: CURVATURE_TYPES,
      default: ["profile"],
      cliDefault: "profile",
      label: "curvature type",
    },
  ],
  methods: {
    only: ["gradient", "zevenbergen-thorne"],
    reason: "Horn's 3×3 fit has no second derivatives",
  },
  needs: () => ({
    gradient: false,
    gridGradient: false,
    elevationHalo: SECOND_DERIVATIVE_HALO,
    ownDerivatives: true,
  }),
  output: (o) => ({
    sampleType: "Float32",
    bands: o.curvatureType.length,
    nodata: FLOAT_NODATA,
    bandDescriptions: o.curvatureType.map((type) => `${type} curvature`),
    // Gaussian curvature is a product of two curvatures.
    units: o.curvatureType.map((type) => (type === "gaussian" ? "1/m^2" : "1/m")),
    overviewResampling: "mean",
  }),
  kernel(o, spacing) {
    const types = o.curvatureType;
    const method = o.method === "zevenbergen-thorne" ? "zevenbergen-thorne" : "gradient";
    // The gradient method always computes border cells (--no-edges is Zevenbergen–Thorne's, as for the gradient).
    const edges = method === "gradient" || o.edges;
    // The rows' geometry, kept from one strip to the next on this thread.
    let metric: GridMetric | undefined;
    return ({ elevations }, alloc, workspace) => {
      const { strip, firstRow, rows, x, width, xSign, ySign, zMultiplier } = elevations;
      const options = { method, edges, spacing, xSign, ySign } as const;
      metric ??= secondDerivativeMetric(strip, options);
      const derivatives = computeSecondDerivatives(
        strip,
        { firstRow, rows, x, width },
        options,
        workspace,
        metric,
      );
      const bands = types.map(() => alloc.float32(rows * width));
      return curvatureInto(derivatives, types, zMultiplier, FLOAT_NODATA, bands);
    };
  },
});
