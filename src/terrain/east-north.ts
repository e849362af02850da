/**
 * The per-row matrices that turn a kernel's derivatives along the grid's axes into east and north components, where
 * the spacing model says the axes are not east and north on the ground (its `frame`). The kernels apply them in the
 * same loop that computes the derivatives: the kernels measure the derivative per ground metre along each pixel
 * step (signed by xSign/ySign), and the matrix solves ∇z·u = a, ∇z·v = b for ∇z.
 */
import type { GroundFrame } from "../geo/types.js";
import type { Workspace } from "./grid-steps.js";
import type { DerivativeOptions } from "./types.js";

/**
 * The four matrix entries of one row at a time: after `fill(row)`, (east, north) = (m00·a + m01·b, m10·a + m11·b)
 * for the derivatives a, b along +column and +row at each column.
 *
 * @example
 * ```ts
 * const frame = new EastNorthRows(spacing.frame, width, demHeight, options, workspace);
 * frame.fill(row); // frame.m00[c] … frame.m11[c]
 * ```
 */
export class EastNorthRows {
  readonly m00: Float64Array;
  readonly m01: Float64Array;
  readonly m10: Float64Array;
  readonly m11: Float64Array;
  /** First-order one-sided differences at the DEM's borders (gdaldem's kernels extrapolate to the same). */
  private readonly firstOrder: boolean;

  constructor(
    private readonly frame: GroundFrame,
    width: number,
    private readonly demHeight: number,
    options: Pick<DerivativeOptions, "method" | "edgeOrder">,
    workspace?: Workspace,
  ) {
    const float64 = (name: string) => (workspace ? workspace.float64(name, width) : new Float64Array(width));
    this.m00 = float64("m00");
    this.m01 = float64("m01");
    this.m10 = float64("m10");
    this.m11 = float64("m11");
    this.firstOrder = options.method !== "gradient" || options.edgeOrder === 1;
  }

  /** The matrices of DEM row `row` (one-sided at the first and last rows and columns where differences are). */
  fill(row: number): void {
    const { firstOrder, demHeight } = this;
    const y = !firstOrder || demHeight < 2 ? 0 : row === 0 ? 1 : row === demHeight - 1 ? -1 : 0;
    this.frame.eastNorth(row, this.m00, this.m01, this.m10, this.m11, { x: firstOrder, y });
  }
}

/** The four matrix rows as the native kernels take them. */
export function frameMatrices(
  frame: EastNorthRows,
): [Float64Array, Float64Array, Float64Array, Float64Array] {
  return [frame.m00, frame.m01, frame.m10, frame.m11];
}

let columns = new Int32Array(0);
/** A row's worth of column numbers for the native fast paths' exceptions (cells next to nodata), kept for reuse. */
export function exceptionColumns(width: number): Int32Array {
  if (columns.length < width) columns = new Int32Array(width);
  return columns;
}
