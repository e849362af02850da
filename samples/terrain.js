// Synthetic but realistic terrain: ridged fractal noise over a tilted massif, carved by a river valley.
// Deterministic (seeded), so the committed samples can be regenerated bit for bit.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smooth value noise on a lattice of random values. */
function valueNoise(seed, size) {
  const random = mulberry32(seed);
  const lattice = new Float64Array(size * size).map(() => random());
  const smooth = (t) => t * t * (3 - 2 * t);
  return (x, y) => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    const tx = smooth(x - xi);
    const ty = smooth(y - yi);
    const at = (i, j) => lattice[(((j % size) + size) % size) * size + (((i % size) + size) % size)];
    const top = at(xi, yi) * (1 - tx) + at(xi + 1, yi) * tx;
    const bottom = at(xi, yi + 1) * (1 - tx) + at(xi + 1, yi + 1) * tx;
    return top * (1 - ty) + bottom * ty;
  };
}

/**
 * Elevation in metres at ground position (u, v) in [0, 1]² (u east, v north).
 * @param {number} u
 * @param {number} v
 */
export function makeTerrain(seed = 42) {
  const octaves = [0, 1, 2, 3, 4, 5].map((o) => valueNoise(seed + o, 64));
  return (u, v) => {
    let ridges = 0;
    let amplitude = 1;
    let frequency = 4;
    for (const noise of octaves) {
      const n = 1 - Math.abs(2 * noise(u * frequency, v * frequency) - 1);
      ridges += amplitude * n * n;
      amplitude *= 0.5;
      frequency *= 2;
    }
    const massif = 900 * Math.exp(-((u - 0.55) ** 2 + (v - 0.6) ** 2) * 4);
    const riverX = 0.25 + 0.1 * Math.sin(v * 7);
    const valley = 350 * Math.exp(-(((u - riverX) / 0.06) ** 2));
    return 400 + massif + 650 * ridges * (0.4 + v) - valley;
  };
}
