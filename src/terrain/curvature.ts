/**
 * Florinsky's curvatures of the land surface from its first and second derivatives in ground metres (p = ∂z/∂e,
 * q = ∂z/∂n, r = ∂²z/∂e², s = ∂²z/∂e∂n, t = ∂²z/∂n²), with w = p² + q², W = 1 + w. Signs: convex is positive (a dome
 * gives positive mean, profile and plan curvature).
 *
 *   profile (vertical)     kv = −(p²r + 2pqs + q²t) / (w·W^{3/2})
 *   tangential (horizontal) kh = −(q²r − 2pqs + p²t) / (w·W^{1/2})
 *   plan                   kp = −(q²r − 2pqs + p²t) / w^{3/2}
 *   mean                   H  = −((1 + q²)r − 2pqs + (1 + p²)t) / (2·W^{3/2})
 *   Gaussian               K  = (rt − s²) / W²
 *   minimal, maximal       H ∓ √(H² − K)
 *
 * kv, kh and kp are undefined where w = 0 (no direction of steepest slope): nodata there.
 */
import type { SurfaceDerivatives } from "./second-derivatives.js";

/** The curvature types, in the order bands are written. */
export const CURVATURE_TYPES = [
  "profile",
  "tangential",
  "plan",
  "mean",
  "gaussian",
  "minimal",
  "maximal",
] as const;

export type CurvatureType = (typeof CURVATURE_TYPES)[number];

/**
 * Fills one array per requested type (in `types`' order) with its curvature in 1/m (Gaussian: 1/m²), `nodata` where
 * undefined. The derivatives are multiplied by `zMultiplier` first (elevation unit in metres times the z-factor).
 *
 * @example
 * ```ts
 * const [mean] = curvatureInto(derivatives, ["mean"], 1, -9999, [new Float32Array(derivatives.p.length)]);
 * ```
 */
export function curvatureInto(
  derivatives: Pick<SurfaceDerivatives, "p" | "q" | "r" | "s" | "t">,
  types: readonly CurvatureType[],
  zMultiplier: number,
  nodata: number,
  outs: Float32Array[],
): Float32Array[] {
  const { p: ps, q: qs, r: rs, s: ss, t: ts } = derivatives;
  const codes = types.map((type) => CURVATURE_TYPES.indexOf(type));
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]! * zMultiplier;
    const q = qs[i]! * zMultiplier;
    const r = rs[i]! * zMultiplier;
    const s = ss[i]! * zMultiplier;
    const t = ts[i]! * zMultiplier;
    const valid = p === p && q === q && r === r && s === s && t === t;
    const w = p * p + q * q;
    const big = 1 + w;
    const horizontal = -(q * q * r - 2 * p * q * s + p * p * t);
    const mean = -((1 + q * q) * r - 2 * p * q * s + (1 + p * p) * t) / (2 * big * Math.sqrt(big));
    const gaussian = (r * t - s * s) / (big * big);
    for (let b = 0; b < codes.length; b++) {
      let v: number;
      switch (codes[b]) {
        case 0:
          v = w > 0 ? -(p * p * r + 2 * p * q * s + q * q * t) / (w * big * Math.sqrt(big)) : Number.NaN;
          break;
        case 1:
          v = w > 0 ? horizontal / (w * Math.sqrt(big)) : Number.NaN;
          break;
        case 2:
          v = w > 0 ? horizontal / (w * Math.sqrt(w)) : Number.NaN;
          break;
        case 3:
          v = mean;
          break;
        case 4:
          v = gaussian;
          break;
        default: {
          // H² − K ≥ 0 exactly; rounding may take it a hair below.
          const root = Math.sqrt(Math.max(0, mean * mean - gaussian));
          v = codes[b] === 5 ? mean - root : mean + root;
        }
      }
      // + 0 turns −0 (a plane's curvatures) into 0.
      outs[b]![i] = valid && v === v ? v + 0 : nodata;
    }
  }
  return outs;
}
