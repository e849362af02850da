/**
 * The compute half of the streaming driver: one strip of elevations in, the rows of every requested product out.
 * Pure (no I/O, no geotiff.js), so it runs unchanged on the main thread and in the strip workers; a `StripPlan`
 * is plain data that crosses to a worker by structured clone.
 */

import type { GroundFrame, SpacingModel } from "../geo/types.js";
import { nativeKernels } from "../native.js";
import { type Product, productDefinition } from "../products/registry.js";
import type { Band, BandAllocator, DemContext, ProductKernel, StripInputs } from "../products/types.js";
import { computeDerivatives, derivativeHalo } from "../terrain/derivatives.js";
import { Workspace } from "../terrain/grid-steps.js";
import type { DerivativeOptions, ElevationStrip, GradientStrip } from "../terrain/types.js";
import { type SpacingFrame, scaleGradient } from "./derivative-plan.js";
import type { ResolvedOptions } from "./options.js";

/** The bands of each product for one strip. */
export type ProductRows = Partial<Record<Product, Band[]>>;

/** The buffers behind a strip's product rows (moved, not copied, between threads). */
export function productBuffers(rows: ProductRows): ArrayBuffer[] {
  return Object.values(rows).flatMap((bands) => bands.map((b) => b.buffer as ArrayBuffer));
}

/** The resolved options without the caller's functions (a plan crosses to worker threads by structured clone). */
export type PlanOptions = Omit<ResolvedOptions, "onProgress" | "signal" | "warn">;

/** Everything needed to turn strips of one DEM into product rows — plain data. */
export interface StripPlan {
  products: Product[];
  width: number;
  demHeight: number;
  /** The columns written (a seamless tile writes only its own cells of the wider window it reads). */
  crop: { x: number; width: number };
  spacingFrame: SpacingFrame;
  derivative: Omit<DerivativeOptions, "spacing">;
  /** Multiplies the gradient by the vertical unit in metres times the z-factor. */
  zMultiplier: number;
  /** The vertical unit in metres (products made from elevations convert them with it). */
  unitMetres: number;
  /** Rows of halo read above and below each strip (see `stripHalo`). */
  halo: number;
  /** Rows per strip (the spacing model keeps the sampled rows one strip spans). */
  stripRows: number;
  /** No requested product reads the gradient: the spacing model is a stand-in (see `planSpacing`). */
  spacingUnused?: boolean;
  /**
   * What kernels know of the whole DEM (its nodata value, its range when a product needs it); without it, no
   * nodata value and no range.
   */
  dem?: DemContext;
  options: PlanOptions;
}

/** The derivative method's halo where a product needs the gradient, and the widest halo the products read. */
export function stripHalo(
  products: readonly Product[],
  options: PlanOptions,
  derivative: Pick<DerivativeOptions, "method" | "edgeOrder">,
): number {
  let halo = 0;
  for (const name of products) {
    const needs = productDefinition(name).needs(options);
    if (needs.gradient !== false) halo = Math.max(halo, derivativeHalo(derivative));
    halo = Math.max(halo, needs.elevationHalo ?? 0);
  }
  return halo;
}

/** One strip: `data` holds DEM rows [readFirst, readFirst + readRows); products are made for [first, first + rows). */
export interface StripJob {
  data: Float64Array;
  readFirst: number;
  readRows: number;
  first: number;
  rows: number;
}

/**
 * Computes the product rows of strips of one DEM.
 *
 * @example
 * ```ts
 * const products = new StripProducts(plan, planSpacing(plan));
 * const rows = products.compute({ data, readFirst: 0, readRows: 18, first: 0, rows: 16 });
 * ```
 */
export class StripProducts {
  private readonly derivative: DerivativeOptions;
  private readonly workspace = new Workspace();
  private readonly pool = new BufferPool();
  private readonly kernels: [Product, ProductKernel][];
  private readonly needsGrid: boolean;
  private readonly needsGradient: boolean;

  constructor(
    private readonly plan: StripPlan,
    private readonly spacing: SpacingModel,
  ) {
    this.derivative = { ...plan.derivative, spacing };
    const dem = plan.dem ?? { nodata: undefined, unitMetres: plan.unitMetres, range: undefined };
    const definitions = plan.products.map((name) => productDefinition(name));
    this.kernels = definitions.map((d) => [d.name as Product, d.kernel(plan.options, spacing, dem)]);
    const needs = definitions.map((d) => d.needs(plan.options));
    this.needsGrid = needs.some((n) => n.gridGradient);
    this.needsGradient = this.needsGrid || needs.some((n) => n.gradient !== false);
  }

  /** Takes back the arrays of rows that were written, for the next strips. */
  recycle(rows: ProductRows): void {
    for (const buffer of productBuffers(rows)) this.pool.give(buffer);
  }

  /** The product rows of one strip, in arrays from the pool: hand them back with `recycle` once written. */
  compute(job: StripJob): ProductRows {
    const inputs = this.inputs(job);
    const rows: ProductRows = {};
    for (const [name, kernel] of this.kernels) rows[name] = kernel(inputs, this.pool, this.workspace);
    return rows;
  }

  /**
   * What the kernels of one strip read: the gradients and the elevations (in this thread's workspace, valid until
   * the next strip). `compute` is `inputs` and then every product's kernel; benchmarks time the two apart.
   */
  inputs(job: StripJob): StripInputs {
    const { width, demHeight, crop } = this.plan;
    const strip = { data: job.data, width, rows: job.readRows, firstRow: job.readFirst, demHeight };
    const { ground, grid } = this.needsGradient ? this.gradients(strip, job) : noGradient(job, crop.width);
    const elevations = {
      strip,
      firstRow: job.first,
      rows: job.rows,
      x: crop.x,
      width: crop.width,
      unitMetres: this.plan.unitMetres,
      zMultiplier: this.plan.zMultiplier,
      xSign: this.plan.derivative.xSign,
      ySign: this.plan.derivative.ySign,
    };
    return { ground, grid, elevations };
  }

  /** One requested product's bands from a strip's `inputs` (see `compute`). */
  product(name: Product, inputs: StripInputs): Band[] {
    const kernel = this.kernels.find(([n]) => n === name);
    if (!kernel) throw new RangeError(`${name} is not one of this plan's products`);
    return kernel[1](inputs, this.pool, this.workspace);
  }

  /** The east/north gradient of the strip's output cells and, where a product needs it, the grid-frame one. */
  private gradients(strip: ElevationStrip, job: StripJob): { ground: GradientStrip; grid: GradientStrip } {
    const { width, crop } = this.plan;
    const grad = computeDerivatives(
      strip,
      { firstRow: job.first, rows: job.rows },
      this.derivative,
      this.workspace,
    );
    scaleGradient(grad, this.plan.zMultiplier);
    // The gradient is east/north; products that want it along the map's axes read `grid`.
    const frame = this.spacing.frame;
    let grid = frame && this.needsGrid ? toGridFrame(grad, frame, this.workspace) : grad;
    let ground = grad;
    if (crop.x !== 0 || crop.width !== width) {
      const columns = (a: Float64Array, name: string) =>
        cropColumns(a, width, job.rows, crop.x, this.workspace.float64(name, job.rows * crop.width));
      const cropped = (g: GradientStrip, name: string) => ({
        ...g,
        dzdx: columns(g.dzdx, `cropped ${name} dz/dx`),
        dzdy: columns(g.dzdy, `cropped ${name} dz/dy`),
        width: crop.width,
      });
      ground = cropped(grad, "east/north");
      grid = grid === grad ? ground : cropped(grid, "grid");
    }
    return { ground, grid };
  }
}

/** The gradient inputs when no requested product reads them: empty. */
function noGradient(job: StripJob, width: number): { ground: GradientStrip; grid: GradientStrip } {
  const empty = {
    dzdx: new Float64Array(0),
    dzdy: new Float64Array(0),
    width,
    rows: job.rows,
    firstRow: job.first,
  };
  return { ground: empty, grid: empty };
}

/**
 * The gradient's components along the map's +y direction (grid north) and the direction 90° clockwise from it:
 * the east/north vector rotated by the bearing of grid north at each pixel.
 */
function toGridFrame(grad: GradientStrip, frame: GroundFrame, ws: Workspace): GradientStrip {
  const { width, rows, firstRow } = grad;
  const dzdx = ws.float64("grid dz/dx", rows * width);
  const dzdy = ws.float64("grid dz/dy", rows * width);
  const sin = ws.float64("grid north east", width);
  const cos = ws.float64("grid north north", width);
  const native = nativeKernels();
  for (let k = 0; k < rows; k++) {
    frame.gridNorth(firstRow + k, sin, cos);
    const o = k * width;
    if (native) {
      native.gridRotate(grad.dzdx, grad.dzdy, sin, cos, dzdx, dzdy, o, width);
      continue;
    }
    for (let c = 0; c < width; c++) {
      const e = grad.dzdx[o + c]!;
      const n = grad.dzdy[o + c]!;
      dzdx[o + c] = e * cos[c]! - n * sin[c]!;
      dzdy[o + c] = e * sin[c]! + n * cos[c]!;
    }
  }
  return { ...grad, dzdx, dzdy };
}

/**
 * Output arrays kept for reuse: filling fresh memory costs far more than computing into it (every new page is
 * zeroed by the kernel on first touch), so each thread recycles the buffers of strips already written.
 */
class BufferPool implements BandAllocator {
  private readonly free: ArrayBuffer[] = [];

  float32(length: number): Float32Array {
    return new Float32Array(this.take(length * 4), 0, length);
  }

  uint8(length: number): Uint8Array {
    return new Uint8Array(this.take(length), 0, length);
  }

  give(buffer: ArrayBuffer): void {
    this.free.push(buffer);
  }

  /** The smallest free buffer that is large enough, or a new one. */
  private take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    return best < 0 ? new ArrayBuffer(bytes) : this.free.splice(best, 1)[0]!;
  }
}

/** Columns x … x + count − 1 of each row, into `out`. */
function cropColumns(values: Float64Array, width: number, rows: number, x: number, out: Float64Array) {
  const count = out.length / rows;
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * width + x, r * width + x + count), r * count);
  return out;
}
