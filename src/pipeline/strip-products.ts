/**
 * The compute half of the streaming driver: one strip of elevations in, the rows of every requested product out.
 * Pure (no I/O, no geotiff.js), so it runs unchanged on the main thread and in the strip workers; a `StripPlan`
 * is plain data that crosses to a worker by structured clone.
 */
import { spacingModel } from "../geo/spacing.js";
import type { Georef, GroundFrame, SpacingModel } from "../geo/types.js";
import { aspect } from "../terrain/aspect.js";
import { computeDerivatives } from "../terrain/derivatives.js";
import { Workspace } from "../terrain/grid-steps.js";
import { hillshade } from "../terrain/hillshade.js";
import { slope } from "../terrain/slope.js";
import type { DerivativeOptions, GradientStrip } from "../terrain/types.js";
import type { ResolvedOptions } from "./options.js";

/** The products of DESIGN §1 and where to write each (any subset, at least one). */
export interface ProductOutputs {
  slope?: string;
  aspect?: string;
  hillshade?: string;
  gradient?: string;
}

export type Product = keyof ProductOutputs;
export const PRODUCTS: readonly Product[] = ["slope", "aspect", "hillshade", "gradient"];

/** Slope, aspect and gradient nodata (DESIGN §2); hillshade uses 0. */
export const FLOAT_NODATA = -9999;

/** The rows of each product for one strip (the gradient as two bands). */
export interface ProductRows {
  slope?: Float32Array;
  aspect?: Float32Array;
  hillshade?: Uint8Array;
  gradient?: [Float32Array, Float32Array];
}

/** The buffers behind a strip's product rows (moved, not copied, between threads). */
export function productBuffers(rows: ProductRows): ArrayBuffer[] {
  const arrays = [rows.slope, rows.aspect, rows.hillshade, ...(rows.gradient ?? [])];
  return arrays.filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer);
}

/** Which grid the spacing model describes: the DEM's, or a window of a mosaic around it (seamless batch). */
export interface SpacingFrame {
  georef: Georef;
  window?: { x: number; y: number; width: number; height: number };
}

/** Options that only the products read. */
export type ProductOptions = Pick<
  ResolvedOptions,
  | "spacing"
  | "xscale"
  | "yscale"
  | "compat"
  | "trueNorth"
  | "unit"
  | "zeroForFlat"
  | "trigonometric"
  | "azimuth"
  | "altitude"
  | "variant"
>;

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
  options: ProductOptions;
}

/** One strip: `data` holds DEM rows [readFirst, readFirst + readRows); products are made for [first, first + rows). */
export interface StripJob {
  data: Float64Array;
  readFirst: number;
  readRows: number;
  first: number;
  rows: number;
}

/** The spacing model a plan describes (warnings go to `warn`; workers rebuild it silently). */
export function planSpacing(plan: Pick<StripPlan, "spacingFrame" | "options">, warn?: (m: string) => void) {
  const { georef, window } = plan.spacingFrame;
  const { spacing, xscale, yscale } = plan.options;
  return spacingModel(georef, { mode: spacing, xscale, yscale, window, warn });
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
  private readonly kernels: Kernel[];

  constructor(
    private readonly plan: StripPlan,
    private readonly spacing: SpacingModel,
  ) {
    this.derivative = { ...plan.derivative, spacing };
    this.kernels = plan.products.map((p) => productKernel(p, plan.options, spacing));
  }

  /** Takes back the arrays of rows that were written, for the next strips. */
  recycle(rows: ProductRows): void {
    for (const buffer of productBuffers(rows)) this.pool.give(buffer);
  }

  /** The product rows of one strip, in arrays from the pool: hand them back with `recycle` once written. */
  compute(job: StripJob): ProductRows {
    const { width, demHeight, crop } = this.plan;
    const grad = computeDerivatives(
      { data: job.data, width, rows: job.readRows, firstRow: job.readFirst, demHeight },
      { firstRow: job.first, rows: job.rows },
      this.derivative,
      this.workspace,
    );
    scaleGradient(grad, this.plan.zMultiplier);
    // The gradient is east/north; hillshade (light relative to the map) and grid-north aspect want it in the frame
    // of the map's +y axis.
    const frame = this.spacing.frame;
    const wantsGrid =
      this.plan.products.includes("hillshade") ||
      (this.plan.products.includes("aspect") && !this.plan.options.trueNorth);
    let grid = frame && wantsGrid ? toGridFrame(grad, frame, this.workspace) : grad;
    let strip = grad;
    if (crop.x !== 0 || crop.width !== width) {
      const columns = (a: Float64Array, name: string) =>
        cropColumns(a, width, job.rows, crop.x, this.workspace.float64(name, job.rows * crop.width));
      const cropped = (g: GradientStrip, name: string) => ({
        ...g,
        dzdx: columns(g.dzdx, `cropped ${name} dz/dx`),
        dzdy: columns(g.dzdy, `cropped ${name} dz/dy`),
        width: crop.width,
      });
      strip = cropped(grad, "east/north");
      grid = grid === grad ? strip : cropped(grid, "grid");
    }
    const rows: ProductRows = {};
    for (const kernel of this.kernels) Object.assign(rows, kernel(strip, grid, this.pool, this.workspace));
    return rows;
  }
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
  for (let k = 0; k < rows; k++) {
    frame.gridNorth(firstRow + k, sin, cos);
    const o = k * width;
    for (let c = 0; c < width; c++) {
      const e = grad.dzdx[o + c]!;
      const n = grad.dzdy[o + c]!;
      dzdx[o + c] = e * cos[c]! - n * sin[c]!;
      dzdy[o + c] = e * sin[c]! + n * cos[c]!;
    }
  }
  return { ...grad, dzdx, dzdy };
}

/** A product's rows from the strip's gradient: east/north components, and along the map's axes (`grid`). */
type Kernel = (g: GradientStrip, grid: GradientStrip, pool: BufferPool, ws: Workspace) => ProductRows;

/** The kernel of one product with its options resolved once. */
function productKernel(product: Product, opts: ProductOptions, spacing: SpacingModel): Kernel {
  if (product === "slope") {
    const options = { unit: opts.unit, nodata: FLOAT_NODATA };
    return (g, _, pool) => ({ slope: slope(g, options, pool.float32(g.dzdx.length)) });
  }
  if (product === "aspect") {
    // gdaldem -zero_for_flat sets no nodata and writes 0 for flat cells, borders and nodata windows alike.
    const nodata = opts.compat && opts.zeroForFlat ? 0 : FLOAT_NODATA;
    const options = { trigonometric: opts.trigonometric, zeroForFlat: opts.zeroForFlat, nodata };
    const imageSpace = opts.compat ? pixelSpaceGradient(spacing) : (g: GradientStrip) => g;
    // True north: straight from the east/north gradient; grid north: from its components along the map's axes.
    return (g, grid, pool, ws) => ({
      aspect: aspect(imageSpace(opts.trueNorth ? g : grid, ws), options, pool.float32(g.dzdx.length)),
    });
  }
  if (product === "hillshade") {
    const options = {
      azimuth: opts.azimuth,
      altitude: opts.altitude,
      variant: opts.variant,
      // gdaldem's igor takes the aspect in image space.
      pixelAspect: opts.compat ? pixelAspectRatio(spacing) : 1,
    };
    // The light's azimuth is relative to the map: shade the gradient along the map's axes.
    return (_, grid, pool) => ({ hillshade: hillshade(grid, options, pool.uint8(grid.dzdx.length)) });
  }
  return (g, _, pool) => ({ gradient: [toFloat32(g.dzdx, pool), toFloat32(g.dzdy, pool)] });
}

/**
 * Output arrays kept for reuse: filling fresh memory costs far more than computing into it (every new page is
 * zeroed by the kernel on first touch), so each thread recycles the buffers of strips already written.
 */
class BufferPool {
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

/**
 * Derivatives are linear in the elevations, so vertical unit and z-factor scale the gradient afterwards: flat stays
 * exactly flat and integer DEMs keep exact neighbour sums (as gdaldem computes them).
 */
export function scaleGradient(grad: GradientStrip, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < grad.dzdx.length; i++) {
    grad.dzdx[i]! *= factor;
    grad.dzdy[i]! *= factor;
  }
}

/**
 * gdaldem computes aspect in image space: from the raw neighbour differences, ignoring the pixel size. With
 * `--compat gdaldem` we do the same by scaling the derivatives back by the (nominal) pixel steps.
 */
function pixelSpaceGradient(spacing: SpacingModel): (g: GradientStrip, ws: Workspace) => GradientStrip {
  const [xStep, yStep] = nominalSteps(spacing);
  return (g, ws) => {
    const dzdx = ws.float64("pixel dz/dx", g.dzdx.length);
    const dzdy = ws.float64("pixel dz/dy", g.dzdy.length);
    for (let i = 0; i < dzdx.length; i++) {
      dzdx[i] = g.dzdx[i]! * xStep;
      dzdy[i] = g.dzdy[i]! * yStep;
    }
    return { ...g, dzdx, dzdy };
  };
}

/** The (uniform) pixel steps of a nominal or explicit spacing model. */
function nominalSteps(spacing: SpacingModel): [number, number] {
  const xSteps = new Float64Array(Math.max(1, spacing.width - 1));
  const ySteps = new Float64Array(spacing.width);
  if (spacing.width > 1) spacing.xSteps(0, xSteps);
  if (spacing.height > 1) spacing.ySteps(0, ySteps);
  const x = spacing.width > 1 ? xSteps[0]! : ySteps[0]!;
  const y = spacing.height > 1 ? ySteps[0]! : x;
  return [x || 1, y || x || 1];
}

function pixelAspectRatio(spacing: SpacingModel): number {
  const [x, y] = nominalSteps(spacing);
  return y / x;
}

/** Float32 copy with NaN replaced by the float nodata value. */
function toFloat32(values: Float64Array, pool: BufferPool): Float32Array {
  const out = pool.float32(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v === v ? v : FLOAT_NODATA;
  }
  return out;
}

/** Columns x … x + count − 1 of each row, into `out`. */
function cropColumns(values: Float64Array, width: number, rows: number, x: number, out: Float64Array) {
  const count = out.length / rows;
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * width + x, r * width + x + count), r * count);
  return out;
}
