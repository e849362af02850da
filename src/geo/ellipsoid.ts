/** Ellipsoid geometry for geographic rasters: radii of curvature and meridian arc length. */

export interface Ellipsoid {
  /** Semi-major axis in metres. */
  a: number;
  /** Inverse flattening; 0 for a sphere. */
  rf: number;
}

const flattening = ({ rf }: Ellipsoid) => (rf === 0 ? 0 : 1 / rf);

/**
 * Prime-vertical radius of curvature N(φ) = a / √(1 − e² sin² φ), in metres; `lat` in radians.
 *
 * @example
 * ```ts
 * primeVerticalRadius({ a: 6378137, rf: 298.257223563 }, 0); // 6378137 (N = a on the equator)
 * ```
 */
export function primeVerticalRadius(e: Ellipsoid, lat: number): number {
  const f = flattening(e);
  const e2 = f * (2 - f);
  const s = Math.sin(lat);
  return e.a / Math.sqrt(1 - e2 * s * s);
}

/**
 * Meridian arc length in metres from the equator to latitude `lat` (radians): Helmert's series in the third
 * flattening n, whose truncation error is of order n⁵ (≈ 1e-14 relative for the Earth).
 *
 * @example
 * ```ts
 * meridianArc({ a: 6378137, rf: 298.257223563 }, Math.PI / 2); // 10001965.729 (equator to pole)
 * ```
 */
export function meridianArc(e: Ellipsoid, lat: number): number {
  const f = flattening(e);
  const n = f / (2 - f);
  const n2 = n * n;
  const n3 = n2 * n;
  const n4 = n3 * n;
  const b = (e.a / (1 + n)) * (1 + n2 / 4 + n4 / 64);
  return (
    b *
    (lat -
      (1.5 * n - (9 / 16) * n3) * Math.sin(2 * lat) +
      ((15 / 16) * n2 - (15 / 32) * n4) * Math.sin(4 * lat) -
      (35 / 48) * n3 * Math.sin(6 * lat) +
      (315 / 512) * n4 * Math.sin(8 * lat))
  );
}
