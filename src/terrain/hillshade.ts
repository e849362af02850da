/**
 * Hillshade with gdaldem's definitions and formulas (regular, combined, multidirectional, igor). Azimuth is
 * clockwise from north relative to the map; output 1..255, 0 = nodata. Elevations reach the kernels already
 * multiplied by the z-factor, so gdaldem's `zf·X` is our gradient here.
 */
import { number, oneOf } from "../validate.js";
import type { GradientLike } from "./slope.js";

export type HillshadeVariant = "regular" | "combined" | "multidirectional" | "igor";

export interface HillshadeOptions {
  /** Direction of the light, degrees clockwise from north (default 315). */
  azimuth?: number;
  /** Height of the light above the horizon, 0–90 degrees (default 45). */
  altitude?: number;
  variant?: HillshadeVariant;
  /**
   * igor only: ground height ÷ width of a pixel, to take the aspect in image space as gdaldem does (default 1:
   * the true aspect).
   */
  pixelAspect?: number;
}

const RAD = Math.PI / 180;

/** Validates hillshade options once, with the project's one kind of message. */
export function resolveHillshadeOptions(options: HillshadeOptions = {}): Required<HillshadeOptions> {
  return {
    pixelAspect: number("pixel aspect", options.pixelAspect ?? 1, { min: 0, exclusiveMin: true }),
    azimuth: number("azimuth", options.azimuth ?? 315),
    altitude: number("altitude", options.altitude ?? 45, { min: 0, max: 90 }),
    variant: oneOf("variant", options.variant ?? "regular", [
      "regular",
      "combined",
      "multidirectional",
      "igor",
    ]),
  };
}

/** GDAL's Float → Byte conversion: round half up, clamp. */
function toByte(v: number): number {
  if (v !== v) return 0;
  const r = Math.floor(Math.fround(v) + 0.5);
  return r < 0 ? 0 : Math.min(r, 255);
}

/**
 * Shaded relief of every cell (Uint8Array, 0 where the gradient is undefined).
 *
 * @example
 * ```ts
 * import { hillshade, readDem, terrainGradient } from "demgrad";
 * const shade = hillshade(terrainGradient(await readDem("dem.tif")), { azimuth: 315, altitude: 45 });
 * ```
 */
export function hillshade(grad: GradientLike, options: HillshadeOptions = {}): Uint8Array {
  const { azimuth, altitude, variant, pixelAspect } = resolveHillshadeOptions(options);
  const { dzdx, dzdy } = grad;
  const out = new Uint8Array(dzdx.length);
  const az = azimuth * RAD;
  const alt = altitude * RAD;
  const sinAlt = Math.sin(alt);
  const cosAlt = Math.cos(alt);
  const cosAzCosAlt = Math.cos(az) * cosAlt;
  const sinAzCosAlt = Math.sin(az) * cosAlt;
  // Multidirectional constants (USGS OF 92-422 weights, as gdaldem).
  const s127 = 127 * sinAlt;
  const c127 = 127 * cosAlt;
  const c225 = 127 * Math.cos(225 * RAD) * cosAlt;
  // Igor: the direction the light comes from, as an angle counter-clockwise from east.
  const lightAngle = norm2pi(1.5 * Math.PI - az);
  for (let i = 0; i < out.length; i++) {
    const e = dzdx[i]!;
    const n = dzdy[i]!;
    if (e !== e || n !== n) continue;
    // gdaldem's X (west minus east) and Y (north minus south) per metre.
    const x = -e;
    const y = n;
    const g2 = x * x + y * y;
    let v: number;
    if (variant === "regular") {
      const c = (254 * sinAlt - (y * cosAzCosAlt * 254 - x * sinAzCosAlt * 254)) / Math.sqrt(1 + g2);
      v = c <= 0 ? 1 : 1 + c;
    } else if (variant === "combined") {
      const ang = Math.acos((sinAlt - (y * cosAzCosAlt - x * sinAzCosAlt)) / Math.sqrt(1 + g2));
      const c = 1 - (ang * Math.atan(Math.sqrt(g2))) / ((Math.PI * Math.PI) / 4);
      v = c <= 0 ? 1 : 1 + 254 * c;
    } else if (variant === "multidirectional") {
      if (g2 === 0) {
        v = 1 + 254 * sinAlt;
      } else {
        const w225 = 0.5 * g2 - x * y;
        const w270 = x * x;
        const w315 = g2 - w225;
        const w360 = y * y;
        const v225 = Math.max(0, s127 + (x - y) * c225);
        const v270 = Math.max(0, s127 - x * c127);
        const v315 = Math.max(0, s127 + (x + y) * c225);
        const v360 = Math.max(0, s127 - y * c127);
        v = 1 + (w225 * v225 + w270 * v270 + w315 * v315 + w360 * v360) / g2 / Math.sqrt(1 + g2);
      }
    } else {
      const slopeDegrees = Math.atan(Math.sqrt(g2)) / RAD;
      // gdaldem's aspect angle atan2(dy, −dx) in image terms is atan2(−dz/dy, −dz/dx) here.
      let d = Math.abs(norm2pi(Math.atan2(-n * pixelAspect, -e)) - lightAngle);
      if (d > Math.PI) d = 2 * Math.PI - d;
      v = 255 * (1 - (slopeDegrees / 90) * (1 - d / Math.PI));
    }
    out[i] = toByte(v);
  }
  return out;
}

function norm2pi(a: number): number {
  const r = a % (2 * Math.PI);
  return r < 0 ? r + 2 * Math.PI : r;
}
