/** Aspect: the compass direction a slope faces (downhill), clockwise from north. */
import type { GradientLike } from "./slope.js";

const DEGREES = 180 / Math.PI;

export interface AspectOptions {
  /** Counter-clockwise angle from east instead of a compass bearing (gdaldem's -trigonometric). */
  trigonometric?: boolean;
  /** Flat cells get 0 instead of nodata. */
  zeroForFlat?: boolean;
  /** Output nodata (default −9999). */
  nodata?: number;
  /** Per cell, the compass bearing (radians) of the grid's +y axis: gives true-north aspect. Omitted: grid north. */
  northBearing?: ArrayLike<number> | undefined;
}

/**
 * Aspect in degrees, 0 ≤ a < 360: `atan2(−dzdx, −dzdy)` plus the bearing of grid north where given.
 * A plane rising to the east faces west: 270.
 *
 * @example
 * ```ts
 * import { aspect } from "demgrad";
 * aspect({ dzdx: [0.5], dzdy: [0] }); // Float32Array [270]
 * aspect({ dzdx: [0.5], dzdy: [0] }, { trigonometric: true }); // [180]
 * ```
 */
export function aspect(grad: GradientLike, options: AspectOptions = {}): Float32Array {
  const { dzdx, dzdy } = grad;
  const nodata = options.nodata ?? -9999;
  const flat = options.zeroForFlat ? 0 : nodata;
  const bearing = options.northBearing;
  const trig = options.trigonometric === true;
  const out = new Float32Array(dzdx.length);
  for (let i = 0; i < out.length; i++) {
    const x = dzdx[i]!;
    const y = dzdy[i]!;
    if (x !== x || y !== y) {
      out[i] = nodata;
      continue;
    }
    if (x === 0 && y === 0) {
      out[i] = flat;
      continue;
    }
    let a = Math.atan2(-x, -y) * DEGREES;
    if (bearing) a += bearing[i]! * DEGREES;
    if (trig) a = 90 - a;
    a %= 360;
    if (a < 0) a += 360;
    // Rounding to float32 can turn 359.99999999 into 360.
    const f = Math.fround(a);
    out[i] = f >= 360 ? 0 : f + 0; // + 0 turns −0 (due north) into 0
  }
  return out;
}
