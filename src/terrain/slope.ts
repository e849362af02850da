/** Slope from the gradient: atan(|∇z|) in degrees, or 100·|∇z| percent. */

export type GradientLike = { dzdx: ArrayLike<number>; dzdy: ArrayLike<number> };

const DEGREES = 180 / Math.PI;

/**
 * Slope of every cell; `nodata` (default −9999) where the gradient is undefined.
 *
 * @example
 * ```ts
 * import { readDem, slope, terrainGradient } from "demgrad";
 * const degrees = slope(terrainGradient(await readDem("dem.tif")), { unit: "degree" });
 * ```
 */
export function slope(
  grad: GradientLike,
  options: { unit?: "degree" | "percent"; nodata?: number } = {},
): Float32Array {
  const { dzdx, dzdy } = grad;
  const nodata = options.nodata ?? -9999;
  const percent = options.unit === "percent";
  const out = new Float32Array(dzdx.length);
  for (let i = 0; i < out.length; i++) {
    const x = dzdx[i]!;
    const y = dzdy[i]!;
    const norm = Math.sqrt(x * x + y * y);
    out[i] = norm !== norm ? nodata : percent ? 100 * norm : Math.atan(norm) * DEGREES;
  }
  return out;
}
