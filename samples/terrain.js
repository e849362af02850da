// Synthetic but realistic terrain: fractal sums of band-limited wave noise (random directions, so no lattice or
// axis shows) with ridged crests over a massif, carved by a winding river valley. Deterministic (seeded), so the
// committed samples can be regenerated bit for bit.

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WAVES = 48;
const bands = new Map();

/**
 * Smooth band-limited noise, about [0, 1], mean 0.5: plane waves of random directions and phases with frequencies
 * of 0.5–1 cycle per unit (value noise's band), so no lattice or axis shows.
 */
function noise(seed, x, y) {
  let band = bands.get(seed);
  if (!band) {
    const next = random(seed);
    band = new Float64Array(3 * WAVES);
    for (let w = 0; w < WAVES; w++) {
      const k = 2 * Math.PI * (0.5 + 0.5 * next());
      const angle = 2 * Math.PI * next();
      band[3 * w] = k * Math.cos(angle);
      band[3 * w + 1] = k * Math.sin(angle);
      band[3 * w + 2] = 2 * Math.PI * next();
    }
    bands.set(seed, band);
  }
  let sum = 0;
  for (let w = 0; w < 3 * WAVES; w += 3) sum += Math.cos(band[w] * x + band[w + 1] * y + band[w + 2]);
  // Unit variance, then value noise's spread (σ ≈ 0.2) around 0.5.
  return Math.min(1, Math.max(0, 0.5 + 0.2 * sum * Math.sqrt(2 / WAVES)));
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
    return 600 + 1150 * massif * ridges + 380 * hills - 330 * valley * (0.6 + 0.4 * v);
  };
}
