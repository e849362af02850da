/** Slope from the gradient: atan(|∇z|) in degrees, or 100·|∇z| percent (DESIGN §2). */
import { number, oneOf } from "../validate.js";

/** dz/dx (east) and dz/dy (north) per cell, NaN = nodata: what every product reads. */
export type GradientLike = { dzdx: ArrayLike<number>; dzdy: ArrayLike<number> };

export interface SlopeOptions {
  /** "degree" (default) or "percent". */
  unit?: "degree" | "percent";
  /** Output value where the gradient is undefined (default −9999). */
  nodata?: number;
}

const DEGREES = 180 / Math.PI;

/**
 * Checks raw slope options and fills in the defaults.
 *
 * @example
 * ```ts
 * validateSlopeOptions({ unit: "percent" }); // { unit: "percent", nodata: -9999 }
 * validateSlopeOptions({ unit: "grad" }); // throws UsageError: Expected one of degree, percent for unit …
 * ```
 */
export function validateSlopeOptions(raw: { unit?: unknown; nodata?: unknown } = {}): Required<SlopeOptions> {
  return {
    unit: oneOf("unit", raw.unit ?? "degree", ["degree", "percent"]),
    nodata: number("nodata", raw.nodata ?? -9999),
  };
}

/**
 * Slope of every cell (Float32Array); `nodata` (default −9999) where the gradient is undefined.
 *
 * @example
 * ```ts
 * slope({ dzdx: [0.3], dzdy: [0.4] }); // Float32Array [26.565…] (atan 0.5)
 * slope({ dzdx: [0.3], dzdy: [0.4] }, { unit: "percent" }); // Float32Array [50]
 * ```
 */
export function slope(grad: GradientLike, options: SlopeOptions = {}): Float32Array {
  const { unit, nodata } = validateSlopeOptions(options);
  const { dzdx, dzdy } = grad;
  const out = new Float32Array(dzdx.length);
  const percent = unit === "percent";
  for (let i = 0; i < out.length; i++) {
    const x = dzdx[i]!;
    const y = dzdy[i]!;
    const norm = Math.sqrt(x * x + y * y);
    out[i] = norm !== norm ? nodata : percent ? 100 * norm : Math.atan(norm) * DEGREES;
  }
  return out;
}
