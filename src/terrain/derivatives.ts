/**
 * dz/dx and dz/dy of a strip of DEM rows by the chosen method (DESIGN §4): `gradient` (numpy.gradient's stencils
 * with ground-metre coordinates, nodata aware) or gdaldem's `horn` / `zevenbergen-thorne` 3×3 kernels.
 */
import { EastNorthRows } from "./east-north.js";
import { gradientMethod } from "./gradient-method.js";
import { GridSteps, type Workspace } from "./grid-steps.js";
import { windowMethod } from "./horn.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "./types.js";

/**
 * Rows of halo the method needs above and below the output rows (the caller clips them at the DEM's borders):
 * 2 for the gradient method's second-order one-sided differences, else 1.
 *
 * @example
 * ```ts
 * derivativeHalo({ method: "gradient", edgeOrder: 2 }); // 2
 * derivativeHalo({ method: "horn", edgeOrder: 2 }); // 1
 * ```
 */
export function derivativeHalo(options: Pick<DerivativeOptions, "method" | "edgeOrder">): number {
  return options.method === "gradient" && options.edgeOrder === 2 ? 2 : 1;
}

/**
 * dz/dx (east) and dz/dy (north), in m/m — true east and north components on the ground wherever the spacing model
 * has a `frame` (rotated, sheared or non-conformal grids), the map's +x and +y otherwise — for DEM rows [firstRow, firstRow + rows) of a strip that covers them plus
 * `derivativeHalo()` rows on each side (fewer at the DEM's top and bottom). NaN marks nodata in and out. The result
 * does not depend on how the DEM is cut into strips. With a `workspace` the result lives in its buffers (valid until
 * the next call with the same workspace) instead of new arrays.
 *
 * @example
 * ```ts
 * const grad = computeDerivatives(
 *   { data: elevations, width, rows: height, firstRow: 0, demHeight: height },
 *   { firstRow: 0, rows: height },
 *   { method: "gradient", edgeOrder: 1, edges: true, spacing, xSign: 1, ySign: -1 },
 * );
 * ```
 */
export function computeDerivatives(
  strip: ElevationStrip,
  output: { firstRow: number; rows: number },
  options: DerivativeOptions,
  workspace?: Workspace,
): GradientStrip {
  const { width, demHeight } = strip;
  const halo = derivativeHalo(options);
  const need0 = Math.max(0, output.firstRow - halo);
  const need1 = Math.min(demHeight, output.firstRow + output.rows + halo);
  if (output.firstRow < 0 || output.rows < 0 || output.firstRow + output.rows > demHeight) {
    throw new RangeError(
      `output rows ${output.firstRow}–${output.firstRow + output.rows} outside the DEM's 0–${demHeight}`,
    );
  }
  if (need0 < strip.firstRow || need1 > strip.firstRow + strip.rows) {
    throw new RangeError(
      `strip rows ${strip.firstRow}–${strip.firstRow + strip.rows} do not cover ${need0}–${need1}`,
    );
  }
  if (strip.data.length < strip.rows * width) {
    throw new RangeError(
      `strip data holds ${strip.data.length} values, fewer than ${strip.rows} rows × ${width}`,
    );
  }
  const steps = new GridSteps(options.spacing, width, demHeight, workspace);
  const cells = output.rows * width;
  const result: GradientStrip = {
    dzdx: workspace ? workspace.float64("dz/dx", cells) : new Float64Array(cells),
    dzdy: workspace ? workspace.float64("dz/dy", cells) : new Float64Array(cells),
    width,
    rows: output.rows,
    firstRow: output.firstRow,
  };
  // East and north on the ground, in the kernels' own pass, where the grid's axes are not.
  const frame = options.spacing.frame
    ? new EastNorthRows(options.spacing.frame, width, demHeight, options, workspace)
    : undefined;
  if (options.method === "gradient") gradientMethod(strip, result, steps, options, frame);
  else windowMethod(strip, result, steps, options, frame);
  return result;
}
