/**
 * numpy.gradient's finite-difference stencils, one function per formula, in numpy's exact evaluation order
 * (each `*`, `+`, `/` separately, left to right) so float64 results match numpy bit for bit.
 * Both the N-d gradient core and the DEM `gradient` method use these: there is one gradient implementation.
 *
 * Naming: `fm` = f[i−1], `f0` = f[i], `fp` = f[i+1]; `h` = uniform step; `d1`/`d2` = the step before/after.
 */

/** Interior point, uniform spacing: (f[i+1] − f[i−1]) / (2h). */
export function centralUniform(fm: number, fp: number, h: number): number {
  return (fp - fm) / (2.0 * h);
}

/** Interior point, non-uniform spacing (d1 = x[i] − x[i−1], d2 = x[i+1] − x[i]). */
export function centralNonUniform(fm: number, f0: number, fp: number, d1: number, d2: number): number {
  const a = -d2 / (d1 * (d1 + d2));
  const b = (d2 - d1) / (d1 * d2);
  const c = d1 / (d2 * (d1 + d2));
  return a * fm + b * f0 + c * fp;
}

/** First-order one-sided difference over one step: (f[i+1] − f[i]) / d (used at both borders). */
export function forward1(f0: number, f1: number, d: number): number {
  return (f1 - f0) / d;
}

/** Second-order one-sided difference at the left border, uniform spacing: f0, f1, f2 going inwards. */
export function left2Uniform(f0: number, f1: number, f2: number, h: number): number {
  const a = -1.5 / h;
  const b = 2.0 / h;
  const c = -0.5 / h;
  return a * f0 + b * f1 + c * f2;
}

/** Second-order one-sided difference at the right border, uniform spacing: f[n−3], f[n−2], f[n−1]. */
export function right2Uniform(f3: number, f2: number, f1: number, h: number): number {
  const a = 0.5 / h;
  const b = -2.0 / h;
  const c = 1.5 / h;
  return a * f3 + b * f2 + c * f1;
}

/** Second-order left border, non-uniform: d1 = x[1] − x[0], d2 = x[2] − x[1]. */
export function left2NonUniform(f0: number, f1: number, f2: number, d1: number, d2: number): number {
  const a = -(2.0 * d1 + d2) / (d1 * (d1 + d2));
  const b = (d1 + d2) / (d1 * d2);
  const c = -d1 / (d2 * (d1 + d2));
  return a * f0 + b * f1 + c * f2;
}

/** Second-order right border, non-uniform: d1 = x[n−2] − x[n−3], d2 = x[n−1] − x[n−2]. */
export function right2NonUniform(f3: number, f2: number, f1: number, d1: number, d2: number): number {
  const a = d2 / (d1 * (d1 + d2));
  const b = -(d2 + d1) / (d1 * d2);
  const c = (2.0 * d2 + d1) / (d2 * (d1 + d2));
  return a * f3 + b * f2 + c * f1;
}
