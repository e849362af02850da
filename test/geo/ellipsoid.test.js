// The closed-form ellipsoid formulas against independent values: radii from their textbook definitions, meridian
// arcs from numerical integration of M(φ) and from geographiclib's geodesics along a meridian.
import assert from "node:assert/strict";
import { test } from "node:test";
import geographiclib from "geographiclib-geodesic";
import { meridianArc, primeVerticalRadius } from "../../dist/geo/ellipsoid.js";

const WGS84 = { a: 6378137, rf: 298.257223563 };
const f = 1 / WGS84.rf;
const e2 = f * (2 - f);
const rad = (deg) => (deg * Math.PI) / 180;
/** Meridional radius of curvature M(φ) = a(1 − e²) / (1 − e² sin² φ)^{3/2}. */
const M = (phi) => (WGS84.a * (1 - e2)) / (1 - e2 * Math.sin(phi) ** 2) ** 1.5;

/** ∫ M dφ from φ0 to φ1 by composite Gauss–Legendre (5 points, 200 panels): exact to ~1e-15 relative. */
function integrateM(phi0, phi1) {
  const nodes = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
  const weights = [
    0.5688888888888889, 0.47862867049936647, 0.47862867049936647, 0.23692688505618908, 0.23692688505618908,
  ];
  const panels = 200;
  const h = (phi1 - phi0) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = phi0 + (p + 0.5) * h;
    for (let k = 0; k < 5; k++) sum += weights[k] * M(mid + (nodes[k] * h) / 2);
  }
  return (sum * h) / 2;
}

const close = (actual, expected, rel, what) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

test("N(φ) = a / √(1 − e² sin² φ): a on the equator, a/√(1 − e²) at the pole, and in between", () => {
  assert.equal(primeVerticalRadius(WGS84, 0), WGS84.a);
  close(primeVerticalRadius(WGS84, Math.PI / 2), WGS84.a / Math.sqrt(1 - e2), 1e-15, "pole");
  // N at 45°: a / √(1 − e²/2), and the ratio N/M = 1 + e'² cos² φ.
  close(primeVerticalRadius(WGS84, rad(45)), WGS84.a / Math.sqrt(1 - e2 / 2), 1e-15, "45°");
  for (const lat of [0, 45, 60, 80]) {
    const phi = rad(lat);
    close(
      primeVerticalRadius(WGS84, phi) / M(phi),
      1 + (e2 / (1 - e2)) * Math.cos(phi) ** 2,
      1e-14,
      `N/M ${lat}°`,
    );
  }
  assert.equal(primeVerticalRadius({ a: 6371000, rf: 0 }, rad(60)), 6371000);
});

test("meridian arc: the published quarter meridian of WGS84, and ∫M dφ from the equator", () => {
  // 10 001 965.729 m: the WGS84 equator-to-pole meridian distance (e.g. NGA's WGS84 tables).
  close(meridianArc(WGS84, Math.PI / 2), 10001965.7293, 1e-11, "quarter meridian");
  assert.equal(meridianArc(WGS84, 0), 0);
  for (const lat of [1, 45, 60, 80, -30]) {
    close(meridianArc(WGS84, rad(lat)), integrateM(0, rad(lat)), 1e-12, `arc to ${lat}°`);
  }
});

test("arc differences between neighbouring rows (3″, 1″, 1/3″) match ∫M dφ and geodesics along the meridian", () => {
  for (const lat of [0, 45, 60, 80]) {
    for (const d of [1 / 1200, 1 / 3600, 1 / 10800]) {
      const phi0 = rad(lat);
      const phi1 = rad(lat + d);
      const step = meridianArc(WGS84, phi1) - meridianArc(WGS84, phi0);
      close(step, integrateM(phi0, phi1), 1e-9, `∫M at ${lat}° + ${d}°`);
      close(step, geographiclib.Geodesic.WGS84.Inverse(lat, 7, lat + d, 7).s12, 1e-9, `geodesic at ${lat}°`);
    }
  }
});

test("a sphere: arc = R φ, N = R", () => {
  const sphere = { a: 6371000, rf: 0 };
  close(meridianArc(sphere, rad(37)), 6371000 * rad(37), 1e-15, "arc");
});
