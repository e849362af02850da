/** Ground steps between pixel centres for the rows one derivative call touches, fetched once per call. */
import type { SpacingModel } from "../geo/types.js";

/**
 * Buffers kept from one call to the next (one workspace per thread), so streaming strips allocates — and
 * page-faults — nothing in steady state. Arrays taken from it are valid until the same name is taken again.
 *
 * @example
 * ```ts
 * const workspace = new Workspace();
 * const a = workspace.float64("dz/dx", 1024); // the same memory on the next call with length ≤ 1024
 * ```
 */
export class Workspace {
  private readonly arrays = new Map<string, Float64Array>();

  float64(name: string, length: number): Float64Array {
    let array = this.arrays.get(name);
    if (!array || array.length < length) {
      array = new Float64Array(length);
      this.arrays.set(name, array);
    }
    return array.subarray(0, length);
  }
}

/**
 * x steps of the output rows and y steps of the rows around them, read from the spacing model once per call into
 * flat arrays (kernels index them by offset), in a workspace's buffers when one is given.
 *
 * @example
 * ```ts
 * const steps = new GridSteps(spacing, width, demHeight, { firstRow: 10, rows: 5 }, 1);
 * const h = steps.x[steps.xOffset(12) + 3]; // metres from (12, 3) to (12, 4)
 * ```
 */
export class GridSteps {
  /** x steps of each output row, `xStride` entries per row: entry c is column c → c + 1. */
  readonly x: Float64Array;
  readonly xStride: number;
  /** y steps of rows [yFirst, …): entry c is metres from (row, c) to (row + 1, c). */
  readonly y: Float64Array;
  readonly yFirst: number;
  /** 1 where every x step of the output row is equal: numpy's rule for taking the uniform formulas. */
  readonly xUniform: Uint8Array;
  private readonly xFirst: number;
  private readonly width: number;

  constructor(
    spacing: SpacingModel,
    width: number,
    demHeight: number,
    output: { firstRow: number; rows: number },
    halo: number,
    workspace?: Workspace,
  ) {
    const float64 = (name: string, length: number) =>
      workspace ? workspace.float64(name, length) : new Float64Array(length);
    this.width = width;
    this.xFirst = output.firstRow;
    this.xStride = Math.max(1, width - 1);
    this.x = float64("x steps", output.rows * this.xStride);
    this.xUniform = new Uint8Array(output.rows);
    if (width > 1) {
      for (let k = 0; k < output.rows; k++) {
        const steps = this.x.subarray(k * this.xStride, (k + 1) * this.xStride);
        spacing.xSteps(output.firstRow + k, steps);
        let uniform = 1;
        for (let c = 1; c < width - 1; c++) if (steps[c] !== steps[0]) uniform = 0;
        this.xUniform[k] = uniform;
      }
    }
    // Steps from row firstRow − halo up to the step into row firstRow + rows − 1 + halo (within the DEM).
    this.yFirst = Math.max(0, output.firstRow - halo);
    const yEnd = Math.max(this.yFirst, Math.min(demHeight - 1, output.firstRow + output.rows + halo - 1));
    this.y = float64("y steps", (yEnd - this.yFirst) * width);
    for (let row = this.yFirst; row < yEnd; row++) {
      const offset = (row - this.yFirst) * width;
      spacing.ySteps(row, this.y.subarray(offset, offset + width));
    }
  }

  /** Offset in `x` of the first step of output row `row`. */
  xOffset(row: number): number {
    return (row - this.xFirst) * this.xStride;
  }

  /** Offset in `y` of the steps from `row` to `row + 1`. */
  yOffset(row: number): number {
    return (row - this.yFirst) * this.width;
  }
}
