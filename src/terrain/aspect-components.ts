/**
 * Northness and eastness: the cosine and sine of the aspect (the compass direction the slope faces, DESIGN §2),
 * −dz/dnorth ÷ |∇z| and −dz/deast ÷ |∇z|; weighted, times sin(slope) = |∇z| / √(1 + |∇z|²), which makes them
 * −dz/dnorth ÷ √(1 + |∇z|²) and −dz/deast ÷ √(1 + |∇z|²), continuous through flat ground.
 */
import type { GradientLike } from "./slope.js";

/** Which component of the facing direction. */
export type AspectComponent = "north" | "east";

/**
 * Fills `out` with the component of the unit facing direction (1 facing north or east, −1 south or west), or with
 * `weighted` that times sin(slope). Flat cells: nodata unweighted (no direction), 0 weighted (sin 0°). NaN in the
 * gradient gives nodata.
 *
 * @example
 * ```ts
 * aspectComponentInto({ dzdx: [-0.2], dzdy: [0] }, "east", false, -9999, new Float32Array(1)); // [1]: faces east
 * ```
 */
export function aspectComponentInto(
  { dzdx, dzdy }: GradientLike,
  component: AspectComponent,
  weighted: boolean,
  nodata: number,
  out: Float32Array,
): Float32Array {
  const along = component === "north" ? dzdy : dzdx;
  for (let i = 0; i < out.length; i++) {
    const x = dzdx[i]!;
    const y = dzdy[i]!;
    const squared = x * x + y * y;
    const norm = weighted ? Math.sqrt(1 + squared) : Math.sqrt(squared);
    // NaN (nodata) fails the test too; weighted, flat ground is 0 (+ 0 turns −0 into 0).
    out[i] = norm > 0 ? -along[i]! / norm + 0 : nodata;
  }
  return out;
}
