/**
 * dz/dx and dz/dy of a strip of DEM rows by the chosen method (DESIGN §4): `gradient` (numpy.gradient's stencils
 * with ground-metre coordinates, nodata aware) or gdaldem's `horn` / `zevenbergen-thorne` 3×3 kernels.
 */
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
  const steps = new GridSteps(options.spacing, width, demHeight, output, halo, workspace);
  const cells = output.rows * width;
  const result: GradientStrip = {
    dzdx: workspace ? workspace.float64("dz/dx", cells) : new Float64Array(cells),
    dzdy: workspace ? workspace.float64("dz/dy", cells) : new Float64Array(cells),
    width,
    rows: output.rows,
    firstRow: output.firstRow,
  };
  if (options.method === "gradient") gradientMethod(strip, result, steps, options);
  else windowMethod(strip, result, steps, options);
  if (options.spacing.frame) toEastNorth(result, demHeight, options, workspace);
  return result;
}

/**
 * Turns the kernels' derivatives along the grid's axes into east and north components, where the model says the
 * axes are not east and north on the ground: the kernels measure the derivative per ground metre along each pixel
 * step (signed by xSign/ySign), and the model's per-pixel matrix solves ∇z·u = a, ∇z·v = b for ∇z.
 */
function toEastNorth(
  grad: GradientStrip,
  demHeight: number,
  options: DerivativeOptions,
  workspace?: Workspace,
): void {
  const frame = options.spacing.frame!;
  const { width, rows, firstRow, dzdx, dzdy } = grad;
  const float64 = (name: string) => (workspace ? workspace.float64(name, width) : new Float64Array(width));
  const m00 = float64("m00");
  const m01 = float64("m01");
  const m10 = float64("m10");
  const m11 = float64("m11");
  const { xSign, ySign } = options;
  // The DEM's borders: one-sided first-order differences there (gdaldem's kernels extrapolate to the same).
  const firstOrder = options.method !== "gradient" || options.edgeOrder === 1;
  for (let k = 0; k < rows; k++) {
    const row = firstRow + k;
    const y = !firstOrder || demHeight < 2 ? 0 : row === 0 ? 1 : row === demHeight - 1 ? -1 : 0;
    frame.eastNorth(row, m00, m01, m10, m11, { x: firstOrder, y });
    const o = k * width;
    for (let c = 0; c < width; c++) {
      const a = xSign * dzdx[o + c]!;
      const b = ySign * dzdy[o + c]!;
      dzdx[o + c] = m00[c]! * a + m01[c]! * b;
      dzdy[o + c] = m10[c]! * a + m11[c]! * b;
    }
  }
}
