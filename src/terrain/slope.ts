/** Slope from the gradient: atan(|∇z|) in degrees, or 100·|∇z| percent (DESIGN §2). */

import { atanOfNonNegative } from "../core/atan.js";
import { UsageError } from "../errors.js";
import { nativeKernels } from "../native.js";
import { invalid, nodataValue, oneOf, outputArray } from "../validate.js";

/** dz/dx (east) and dz/dy (north) per cell, NaN = nodata: what every product reads. */
export type GradientLike = { dzdx: ArrayLike<number>; dzdy: ArrayLike<number> };

function isNumberArray(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Checks the gradient argument of slope, aspect and hillshade: an object whose `dzdx` and `dzdy` are arrays (typed
 * or plain) of one length.
 *
 * @example
 * ```ts
 * gradientArgument({ dzdx: [0.1, 0.2], dzdy: [0.3] });
 * // throws UsageError: Expected dzdx and dzdy of equal length for gradient but received lengths 2 and 1
 * ```
 */
export function gradientArgument(grad: unknown): GradientLike {
  if (typeof grad !== "object" || grad === null) invalid("gradient", "an object { dzdx, dzdy }", grad);
  const { dzdx, dzdy } = grad as Partial<GradientLike>;
  if (!isNumberArray(dzdx)) invalid("gradient.dzdx", "an array of numbers", dzdx);
  if (!isNumberArray(dzdy)) invalid("gradient.dzdy", "an array of numbers", dzdy);
  if (dzdx.length !== dzdy.length) {
    throw new UsageError(
      `Expected dzdx and dzdy of equal length for gradient but received lengths ${dzdx.length} and ${dzdy.length}`,
    );
  }
  return { dzdx, dzdy };
}

export interface SlopeOptions {
  /** "degree" (default) or "percent". */
  unit?: "degree" | "percent";
  /**
   * Output value where the gradient is undefined: NaN by default, the library's in-memory convention (files hold
   * −9999: pass that to write the array as the CLI's slope files are).
   */
  nodata?: number;
}

const DEGREES = 180 / Math.PI;

/**
 * Checks raw slope options and fills in the defaults.
 *
 * @example
 * ```ts
 * validateSlopeOptions({ unit: "percent" }); // { unit: "percent", nodata: NaN }
 * validateSlopeOptions({ unit: "grad" }); // throws UsageError: Expected one of degree, percent for unit …
 * ```
 */
export function validateSlopeOptions(raw: { unit?: unknown; nodata?: unknown } = {}): Required<SlopeOptions> {
  return {
    unit: oneOf("unit", raw.unit ?? "degree", ["degree", "percent"]),
    nodata: nodataValue("nodata", raw.nodata ?? Number.NaN),
  };
}

/**
 * Slope of every cell (Float32Array); `nodata` (default NaN) where the gradient is undefined. Written into `out`
 * when given (a Float32Array as long as the gradient), so a caller streaming strips can reuse one buffer.
 *
 * @example
 * ```ts
 * slope({ dzdx: [0.3], dzdy: [0.4] }); // Float32Array [26.565…] (atan 0.5)
 * slope({ dzdx: [0.3], dzdy: [0.4] }, { unit: "percent" }); // Float32Array [50]
 * ```
 */
export function slope(grad: GradientLike, options: SlopeOptions = {}, out?: Float32Array): Float32Array {
  const checked = gradientArgument(grad);
  return slopeInto(
    checked,
    validateSlopeOptions(options),
    outputArray("out", out, Float32Array, checked.dzdx.length),
  );
}

/**
 * The slope kernel on checked arguments and resolved options (the pipeline's path: options are validated once, at
 * the boundary): fills `result`, as long as the gradient.
 */
export function slopeInto(
  { dzdx, dzdy }: GradientLike,
  { unit, nodata }: Required<SlopeOptions>,
  result: Float32Array,
): Float32Array {
  const n = result.length;
  const native = nativeKernels();
  if (native && dzdx instanceof Float64Array && dzdy instanceof Float64Array) {
    native.slope(dzdx, dzdy, result, nodata, unit === "percent");
    return result;
  }
  if (unit === "percent") {
    for (let i = 0; i < n; i++) {
      const norm = Math.sqrt(dzdx[i]! * dzdx[i]! + dzdy[i]! * dzdy[i]!);
      result[i] = norm !== norm ? nodata : 100 * norm;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const norm = Math.sqrt(dzdx[i]! * dzdx[i]! + dzdy[i]! * dzdy[i]!);
      result[i] = norm !== norm ? nodata : atanOfNonNegative(norm) * DEGREES;
    }
  }
  return result;
}
