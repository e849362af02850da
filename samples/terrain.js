// Synthetic but realistic terrain: domain-warped fractal noise with ridged crests over a massif, carved by a
// winding river valley. Deterministic (seeded), so the committed samples can be regenerated bit for bit.

/** Hash of an integer lattice point to [0, 1). */
function hash(seed, i, j) {
  let h = Math.imul(i, 374761393) ^ Math.imul(j, 668265263) ^ Math.imul(seed, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1] (quintic interpolation, so slopes are continuous). */
function noise(seed, x, y) {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const fade = (t) => t * t * t * (t * (t * 6 - 15) + 10);
  const tx = fade(x - xi);
  const ty = fade(y - yi);
  const top = hash(seed, xi, yi) * (1 - tx) + hash(seed, xi + 1, yi) * tx;
  const bottom = hash(seed, xi, yi + 1) * (1 - tx) + hash(seed, xi + 1, yi + 1) * tx;
  return top * (1 - ty) + bottom * ty;
}

/** Fractal sum of rotated octaves (rotation hides the lattice); `ridged` folds each octave into sharp crests. */
function fractal(seed, x, y, octaves, ridged) {
  let sum = 0;
  let amplitude = 0.5;
  let weight = 1;
  const [c, s] = [Math.cos(0.6), Math.sin(0.6)];
  for (let o = 0; o < octaves; o++) {
    let n = noise(seed + o, x, y);
    if (ridged) {
      n = 1 - Math.abs(2 * n - 1);
      n = n * n * weight;
      weight = Math.min(1, n * 2);
    }
    sum += amplitude * n;
    [x, y] = [(c * x - s * y) * 2.03 + 17.1, (s * x + c * y) * 2.03 - 9.7];
    amplitude *= 0.5;
  }
  return sum;
}

/**
 * Elevation in metres at ground position (u, v) in [0, 1]² (u east, v north).
 * @param {number} seed
 * @returns {(u: number, v: number) => number}
 */
export function makeTerrain(seed = 42) {
  return (u, v) => {
    const wu = u + 0.08 * (fractal(seed + 100, u * 3, v * 3, 4, false) - 0.5);
    const wv = v + 0.08 * (fractal(seed + 200, u * 3, v * 3, 4, false) - 0.5);
    const ridges = fractal(seed, wu * 5, wv * 5, 7, true);
    const hills = fractal(seed + 300, wu * 4, wv * 4, 6, false);
    const massif = Math.exp(-((u - 0.6) ** 2 + (v - 0.65) ** 2) * 3);
    const riverX = 0.28 + 0.08 * Math.sin(v * 9) + 0.03 * Math.sin(v * 23);
    const valley = Math.exp(-(((u - riverX) / 0.07) ** 2));
    return 450 + 1500 * massif * ridges + 500 * hills - 380 * valley * (0.6 + 0.4 * v);
  };
}
