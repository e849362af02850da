/** Library calls on a DEM already in memory. */
import type { Dem } from "../io/dem-reader.js";
import { computeDerivatives } from "../terrain/derivatives.js";
import { derivativeContext, scaleGradient } from "./derivative-plan.js";
import type { ProcessOptions } from "./options.js";
import { resolveOptions } from "./options.js";

/**
 * dz/dx (east) and dz/dy (north) of a whole in-memory DEM in metres per metre (NaN where undefined), with the same
 * spacing model, method and unit options as the CLI: `terrainGradient(await readDem(f), o)` equals the gradient
 * `demgrad gradient f` writes with the same options, to float32 rounding. `dem.data` is in metres already
 * (readDem converted it), so only a `verticalUnit` option that differs from `dem.verticalUnit` rescales it, as
 * `--vertical-unit` would have read the file.
 *
 * @example
 * ```ts
 * import { readDem, terrainGradient, slope } from "demgrad";
 * const dem = await readDem("dem.tif");
 * const grad = terrainGradient(dem, { edgeOrder: 2 });
 * const degrees = slope(grad); // Float32Array, NaN where undefined
 * ```
 */
export function terrainGradient(
  dem: Dem,
  options: Omit<ProcessOptions, "onProgress" | "signal"> = {},
): { dzdx: Float32Array; dzdy: Float32Array; width: number; height: number } {
  const opts = resolveOptions(options);
  const { width, height, data } = dem;
  // The CLI's factor is (file unit or --vertical-unit) × z-factor on file units; the data hold metres already.
  const applied = { ...dem.georef, verticalUnit: dem.verticalUnit };
  const context = derivativeContext({ georef: applied, sampleType: dem.sampleType }, opts);
  const zMultiplier = context.zMultiplier / dem.verticalUnit.metres;
  // NaN is nodata: dem.nodata is the file's stored value, which scaled elevations may equal.
  const elevations = data instanceof Float64Array ? data : Float64Array.from(data);
  const grad = computeDerivatives(
    { data: elevations, width, rows: height, firstRow: 0, demHeight: height },
    { firstRow: 0, rows: height },
    context.derivative,
  );
  scaleGradient(grad, zMultiplier);
  return { dzdx: Float32Array.from(grad.dzdx), dzdy: Float32Array.from(grad.dzdy), width, height };
}
