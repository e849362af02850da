/** Aspect: the compass direction a slope faces (downhill), clockwise from north (DESIGN §2). */

import { arctan2 } from "../core/atan.js";
import { nativeKernels } from "../native.js";
import { boolean, invalid, nodataValue, outputArray } from "../validate.js";
import { type GradientLike, gradientArgument } from "./slope.js";

export interface AspectOptions {
  /** Counter-clockwise angle from east instead of a compass bearing (gdaldem's -trigonometric). */
  trigonometric?: boolean;
  /** Flat cells get 0 instead of nodata (gdaldem's -zero_for_flat). */
  zeroForFlat?: boolean;
  /** Output value where the gradient is undefined or flat: NaN by default (files hold −9999: pass that to match). */
  nodata?: number;
  /**
   * Per cell, the compass bearing (radians, clockwise from true north) of the gradient's +y axis. Omitted: the
   * gradient's own +y is taken as north, which is true north for terrainGradient's east/north components. For
   * components along a grid's axes, pass the bearing of grid north (`spacingModel(georef).gridNorthBearing`) to get
   * true-north aspect; for grid-north aspect from east/north components, pass those bearings negated.
   */
  northBearing?: ArrayLike<number> | undefined;
}

export type ResolvedAspectOptions = Required<Omit<AspectOptions, "northBearing">> &
  Pick<AspectOptions, "northBearing">;

const DEGREES = 180 / Math.PI;

/**
 * Checks raw aspect options and fills in the defaults; `cells` is the number of cells `northBearing` must cover.
 *
 * @example
 * ```ts
 * validateAspectOptions({ trigonometric: "true" });
 * // { trigonometric: true, zeroForFlat: false, nodata: NaN, northBearing: undefined }
 * ```
 */
export function validateAspectOptions(
  raw: { trigonometric?: unknown; zeroForFlat?: unknown; nodata?: unknown; northBearing?: unknown } = {},
  cells = 0,
): ResolvedAspectOptions {
  const bearing = raw.northBearing;
  const isArray = ArrayBuffer.isView(bearing) || Array.isArray(bearing);
  if (bearing !== undefined && !(isArray && (bearing as ArrayLike<number>).length >= cells)) {
    invalid("northBearing", `an array of at least ${cells} bearings`, bearing);
  }
  return {
    trigonometric: boolean("trigonometric", raw.trigonometric ?? false),
    zeroForFlat: boolean("zeroForFlat", raw.zeroForFlat ?? false),
    nodata: nodataValue("nodata", raw.nodata ?? Number.NaN),
    northBearing: bearing as ArrayLike<number> | undefined,
  };
}

/**
 * Aspect in degrees, 0 ≤ a < 360: `atan2(−dzdx, −dzdy)` plus `northBearing` where given — from true north for
 * terrainGradient's east/north components, as the CLI's default — or, with `trigonometric`, 90° minus that
 * (counter-clockwise from east). Flat and undefined cells → `nodata` (NaN by default), flat ones 0 with
 * `zeroForFlat`. Written into `out` when given (a Float32Array as long as the gradient).
 *
 * @example
 * ```ts
 * aspect({ dzdx: [0.5], dzdy: [0] }); // Float32Array [270]: rising to the east, facing west
 * aspect({ dzdx: [0.5], dzdy: [0] }, { trigonometric: true }); // [180]
 * ```
 */
export function aspect(grad: GradientLike, options: AspectOptions = {}, out?: Float32Array): Float32Array {
  const checked = gradientArgument(grad);
  const length = checked.dzdx.length;
  return aspectInto(
    checked,
    validateAspectOptions(options, length),
    outputArray("out", out, Float32Array, length),
  );
}

/** The aspect kernel on checked arguments and resolved options (the pipeline's path): fills `result`. */
export function aspectInto(
  { dzdx, dzdy }: GradientLike,
  { trigonometric, zeroForFlat, nodata, northBearing }: ResolvedAspectOptions,
  result: Float32Array,
): Float32Array {
  const flat = zeroForFlat ? 0 : nodata;
  const native = nativeKernels();
  if (
    native &&
    dzdx instanceof Float64Array &&
    dzdy instanceof Float64Array &&
    (northBearing === undefined || northBearing instanceof Float64Array)
  ) {
    native.aspect(dzdx, dzdy, result, nodata, flat, trigonometric, northBearing);
    return result;
  }
  // Compass bearing a → trigonometric 90 − a: one sign and offset for the loop.
  const sign = trigonometric ? -DEGREES : DEGREES;
  const offset = trigonometric ? 90 : 0;
  for (let i = 0; i < result.length; i++) {
    const x = dzdx[i]!;
    const y = dzdy[i]!;
    if (x !== x || y !== y) {
      result[i] = nodata;
    } else if (x === 0 && y === 0) {
      result[i] = flat;
    } else {
      const compass = arctan2(-x, -y) + (northBearing ? northBearing[i]! : 0);
      let a = offset + sign * compass;
      if (a < 0 || a >= 360) a -= 360 * Math.floor(a / 360);
      // Rounding to float32 can turn 359.99999999 into 360; + 0 turns −0 (due north) into 0.
      const f = Math.fround(a);
      result[i] = f >= 360 ? 0 : f + 0;
    }
  }
  return result;
}
