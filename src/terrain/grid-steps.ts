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
 * The ground steps around the row a kernel is computing, read from the spacing model one row at a time into
 * row-sized buffers (in a workspace's when one is given): the row's x steps, and the y steps of the few rows around
 * it, kept in a ring of four. Rows are visited in order, so each row's steps are fetched once and stay in cache.
 *
 * @example
 * ```ts
 * const steps = new GridSteps(spacing, width, demHeight);
 * steps.setRow(12);
 * const h = steps.x[3]; // metres from (12, 3) to (12, 4)
 * const v = steps.y(11)[3]; // metres from (11, 3) to (12, 3)
 * ```
 */
export class GridSteps {
  /** x steps of the current row: entry c is column c → c + 1 (see `setRow`). */
  readonly x: Float64Array;
  /** Whether every x step of the current row is equal: numpy's rule for taking the uniform formulas. */
  xUniform = false;
  private readonly ring: Float64Array[];
  private readonly ringRows = new Int32Array(4).fill(-1);

  constructor(
    private readonly spacing: SpacingModel,
    private readonly width: number,
    private readonly demHeight: number,
    workspace?: Workspace,
  ) {
    const float64 = (name: string, length: number) =>
      workspace ? workspace.float64(name, length) : new Float64Array(length);
    this.x = float64("x steps", Math.max(1, width - 1));
    this.ring = [0, 1, 2, 3].map((i) => float64(`y steps ${i}`, width));
  }

  /** Fetches the x steps of DEM row `row`. */
  setRow(row: number): void {
    const { x, width } = this;
    if (width < 2) return;
    this.spacing.xSteps(row, x);
    const first = x[0];
    let uniform = true;
    for (let c = 1; c < width - 1; c++) {
      if (x[c] !== first) {
        uniform = false;
        break;
      }
    }
    this.xUniform = uniform;
  }

  /** The y steps from DEM row `row` to `row + 1` (0 ≤ row < demHeight − 1; at most four rows in use at once). */
  y(row: number): Float64Array {
    const slot = row & 3;
    const steps = this.ring[slot]!;
    if (this.ringRows[slot] !== row) {
      if (row < 0 || row >= this.demHeight - 1) throw new RangeError(`no y step from row ${row}`);
      this.spacing.ySteps(row, steps);
      this.ringRows[slot] = row;
    }
    return steps;
  }
}
