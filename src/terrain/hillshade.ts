/**
 * Hillshade with gdaldem's definitions and formulas (regular, combined, multidirectional, igor). Azimuth is
 * clockwise from north relative to the map (+y up on a north-up image); output 1..255, 0 = nodata.
 *
 * Mapping to gdaldem's terms: its X = hx/ewres with hx the west − east sums and Y = hy/nsres with hy the
 * bottom − top sums (nsres signed: < 0 north-up, > 0 south-up); with its kernel constant k, X/k = −dz/dx (east) and
 * Y/k = dz/dy (north) whatever the raster's orientation. Elevations reach us already multiplied by the z-factor, so
 * gdaldem's `zf·X` (zf = z/k) is −dzdx here and `zf·Y` is dzdy.
 */
import { nativeKernels } from "../native.js";
import { number, oneOf, outputArray } from "../validate.js";
import { type GradientLike, gradientArgument } from "./slope.js";

export type HillshadeVariant = "regular" | "combined" | "multidirectional" | "igor";

export interface HillshadeOptions {
  /** Direction the light comes from, degrees clockwise from north (default 315); ignored by multidirectional. */
  azimuth?: number;
  /** Height of the light above the horizon, 0 < altitude ≤ 90 degrees (default 45); ignored by igor. */
  altitude?: number;
  variant?: HillshadeVariant;
  /**
   * igor only: pixel height ÷ pixel width, to take the aspect in image space as gdaldem does (default 1: the
   * true aspect).
   */
  pixelAspect?: number;
}

const RAD = Math.PI / 180;
const VARIANTS = ["regular", "combined", "multidirectional", "igor"] as const;

/**
 * Checks raw hillshade options and fills in the defaults; azimuth is normalised to [0, 360). An azimuth given with
 * `multidirectional`, or an altitude with `igor`, is accepted and ignored: gdaldem 3.6 rejects them, but options
 * reaching a kernel carry resolved defaults, so "given" cannot be told from "default" here.
 *
 * @example
 * ```ts
 * validateHillshadeOptions({ azimuth: -45 }); // { azimuth: 315, altitude: 45, variant: "regular", pixelAspect: 1 }
 * validateHillshadeOptions({ altitude: 95 }); // throws UsageError: Expected number greater than 0 and at most 90 for altitude …
 * ```
 */
export function validateHillshadeOptions(
  raw: { azimuth?: unknown; altitude?: unknown; variant?: unknown; pixelAspect?: unknown } = {},
): Required<HillshadeOptions> {
  return {
    azimuth: normalAzimuth(number("azimuth", raw.azimuth ?? 315)),
    altitude: number("altitude", raw.altitude ?? 45, { min: 0, max: 90, exclusiveMin: true }),
    variant: oneOf("variant", raw.variant ?? "regular", VARIANTS),
    pixelAspect: number("pixelAspect", raw.pixelAspect ?? 1, { min: 0, exclusiveMin: true }),
  };
}

/** An azimuth in degrees brought into [0, 360). */
export function normalAzimuth(azimuth: number): number {
  return azimuth - 360 * Math.floor(azimuth / 360);
}

/** GDAL's Float → Byte conversion: round half up in float32, clamp; NaN → 0. */
function toByte(v: number): number {
  if (v !== v) return 0;
  const r = Math.floor(Math.fround(v) + 0.5);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** gdaldem's standard shading: 1 + 254·cos(angle to the light), at least 1. */
function regular(dzdx: ArrayLike<number>, dzdy: ArrayLike<number>, out: Uint8Array, az: number, alt: number) {
  const sin254 = 254 * Math.sin(alt);
  const cosAz254 = Math.cos(az) * Math.cos(alt) * 254;
  const sinAz254 = Math.sin(az) * Math.cos(alt) * 254;
  const native = nativeKernels();
  if (native && dzdx instanceof Float64Array && dzdy instanceof Float64Array) {
    native.hillshadeRegular(dzdx, dzdy, out, sin254, cosAz254, sinAz254);
    return;
  }
  for (let i = 0; i < out.length; i++) {
    const x = -dzdx[i]!;
    const y = dzdy[i]!;
    const c = (sin254 - (y * cosAz254 - x * sinAz254)) / Math.sqrt(1 + x * x + y * y);
    out[i] = c !== c ? 0 : toByte(c <= 0 ? 1 : 1 + c);
  }
}

/** gdaldem -combined: the light angle, darkened by the slope. */
function combined(
  dzdx: ArrayLike<number>,
  dzdy: ArrayLike<number>,
  out: Uint8Array,
  az: number,
  alt: number,
) {
  const sinAlt = Math.sin(alt);
  const cosAzCosAlt = Math.cos(az) * Math.cos(alt);
  const sinAzCosAlt = Math.sin(az) * Math.cos(alt);
  const quarterPi2 = (Math.PI * Math.PI) / 4;
  for (let i = 0; i < out.length; i++) {
    const x = -dzdx[i]!;
    const y = dzdy[i]!;
    const s = x * x + y * y;
    // Clamped: rounding can push the cosine a hair above 1 where the light meets the surface head on.
    const angle = Math.acos(Math.min(1, (sinAlt - (y * cosAzCosAlt - x * sinAzCosAlt)) / Math.sqrt(1 + s)));
    const c = 1 - (angle * Math.atan(Math.sqrt(s))) / quarterPi2;
    out[i] = s !== s ? 0 : toByte(c <= 0 ? 1 : 1 + 254 * c);
  }
}

/** gdaldem -multidirectional: lights at 225°, 270°, 315° and 360° weighted by aspect (USGS OF 92-422). */
function multidirectional(dzdx: ArrayLike<number>, dzdy: ArrayLike<number>, out: Uint8Array, alt: number) {
  const s127 = 127 * Math.sin(alt);
  const c127 = 127 * Math.cos(alt);
  const c225 = 127 * Math.cos(225 * RAD) * Math.cos(alt);
  const flat = toByte(1 + 254 * Math.sin(alt));
  for (let i = 0; i < out.length; i++) {
    const x = -dzdx[i]!;
    const y = dzdy[i]!;
    const g2 = x * x + y * y;
    if (g2 !== g2) {
      out[i] = 0;
    } else if (g2 === 0) {
      out[i] = flat;
    } else {
      const w225 = 0.5 * g2 - x * y;
      const w270 = x * x;
      const w315 = g2 - w225;
      const w360 = y * y;
      const v225 = Math.max(0, s127 + (x - y) * c225);
      const v270 = Math.max(0, s127 - x * c127);
      const v315 = Math.max(0, s127 + (x + y) * c225);
      const v360 = Math.max(0, s127 - y * c127);
      out[i] = toByte(1 + (w225 * v225 + w270 * v270 + w315 * v315 + w360 * v360) / g2 / Math.sqrt(1 + g2));
    }
  }
}

/** gdaldem -igor (Maperitive): darkened by slope, less so where the slope faces the light; no +1 offset. */
function igor(
  dzdx: ArrayLike<number>,
  dzdy: ArrayLike<number>,
  out: Uint8Array,
  az: number,
  pixelAspect: number,
) {
  // The direction the light comes from, as an angle counter-clockwise from east.
  const light = norm2pi(1.5 * Math.PI - az);
  for (let i = 0; i < out.length; i++) {
    const e = dzdx[i]!;
    const n = dzdy[i]!;
    if (e !== e || n !== n) {
      out[i] = 0;
      continue;
    }
    const slopeDegrees = Math.atan(Math.sqrt(e * e + n * n)) / RAD;
    // gdaldem's image-space aspect atan2(dy, −dx) is atan2(−dz/dy, −dz/dx) in map terms.
    let d = Math.abs(norm2pi(Math.atan2(-n * pixelAspect, -e)) - light);
    if (d > Math.PI) d = 2 * Math.PI - d;
    out[i] = toByte(255 * (1 - (slopeDegrees / 90) * (1 - d / Math.PI)));
  }
}

function norm2pi(a: number): number {
  const r = a % (2 * Math.PI);
  return r < 0 ? r + 2 * Math.PI : r;
}

/**
 * Shaded relief of every cell (Uint8Array 1..255, 0 where the gradient is undefined: a Byte image has no NaN, so
 * 0 is its nodata in memory as in files), written into `out` when given (a Uint8Array as long as the gradient).
 *
 * @example
 * ```ts
 * hillshade({ dzdx: [0, Number.NaN], dzdy: [0, 0] }); // Uint8Array [181, 0]: flat at 45° is 1 + 254·sin 45°
 * hillshade(grad, { variant: "multidirectional", altitude: 30 });
 * ```
 */
export function hillshade(grad: GradientLike, options: HillshadeOptions = {}, out?: Uint8Array): Uint8Array {
  const checked = gradientArgument(grad);
  const length = checked.dzdx.length;
  return hillshadeInto(
    checked,
    validateHillshadeOptions(options),
    outputArray("out", out, Uint8Array, length),
  );
}

/**
 * The hillshade kernel on checked arguments and resolved options (azimuth in [0, 360), as
 * `validateHillshadeOptions` gives it; the pipeline's path): fills `result`.
 */
export function hillshadeInto(
  { dzdx, dzdy }: GradientLike,
  { azimuth, altitude, variant, pixelAspect }: Required<HillshadeOptions>,
  result: Uint8Array,
): Uint8Array {
  const az = azimuth * RAD;
  const alt = altitude * RAD;
  if (variant === "regular") regular(dzdx, dzdy, result, az, alt);
  else if (variant === "combined") combined(dzdx, dzdy, result, az, alt);
  else if (variant === "multidirectional") multidirectional(dzdx, dzdy, result, alt);
  else igor(dzdx, dzdy, result, az, pixelAspect);
  return result;
}
