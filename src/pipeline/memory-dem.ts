/** Library calls on a DEM already in memory. */
import type { Dem } from "../io/dem-reader.js";
import { computeDerivatives } from "../terrain/derivatives.js";
import { derivativeContext, scaleGradient } from "./derivative-plan.js";
import type { ProcessOptions } from "./options.js";
import { resolveOptions } from "./options.js";

/**
 * dz/dx (east) and dz/dy (north) of a whole in-memory DEM in metres per metre (NaN where undefined),
 * with the same spacing model, units and method options as the CLI.
 *
 * @example
 * ```ts
 * import { readDem, terrainGradient, slope } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const grad = terrainGradient(dem, { edgeOrder: 2 });
 * const degrees = slope(grad); // Float32Array, −9999 where undefined
 * ```
 */
export function terrainGradient(
  dem: Dem,
  options: Omit<ProcessOptions, "onProgress" | "signal"> = {},
): { dzdx: Float32Array; dzdy: Float32Array; width: number; height: number } {
  const opts = resolveOptions(options);
  const { width, height, data, nodata } = dem;
  const context = derivativeContext(dem, opts);
  const elevations = new Float64Array(width * height);
  for (let i = 0; i < elevations.length; i++) {
    const v = data[i]!;
    elevations[i] = v !== v || v === nodata ? Number.NaN : v;
  }
  const grad = computeDerivatives(
    { data: elevations, width, rows: height, firstRow: 0, demHeight: height },
    { firstRow: 0, rows: height },
    context.derivative,
  );
  scaleGradient(grad, context.zMultiplier);
  return { dzdx: Float32Array.from(grad.dzdx), dzdy: Float32Array.from(grad.dzdy), width, height };
}
