// Benchmark inputs, written as DEFLATE-tiled GeoTIFFs by GDAL from raw values (so no input depends on demgrad's own
// writer):
// - `makeDem`: a power-law spectral surface (amplitude ∝ k^−1.6, random phases from a fixed seed) on a 30 m UTM grid,
//   with a small nodata hole. Real terrain's spectrum falls off like this, so its slope is as rough, and compresses
//   as badly, as real terrain's (a smooth sum of sinusoids, the `sinusoids` surface, flatters DEFLATE-bound runs).
// - `makeRealDem`: a real SRTM sample mirrored tile by tile up to the size (continuous across the mirror lines).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Spectral exponent of the amplitude: |A(k)| ∝ k^−1.6 (power ∝ k^−3.2, Hurst exponent 0.6). */
const AMPLITUDE_EXPONENT = 1.6;
const SEED = 20241017;
const NODATA = -32768;
const SAMPLES = fileURLToPath(new URL("../../shared/samples/", import.meta.url));

/**
 * A size² DEM as a DEFLATE-tiled (256², predictor 2) UTM 32N GeoTIFF, 30 m pixels: the power-law surface (default)
 * or the smooth `sinusoids` of earlier benchmarks. Returns its path.
 */
export function makeDem(dir, size, type = "Int16", surface = "power-law") {
  const values = surface === "sinusoids" ? sinusoids(size) : powerLaw(size);
  const samples = type === "Int16" ? new Int16Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) samples[i] = type === "Int16" ? Math.round(values[i]) : values[i];
  if (surface !== "sinusoids") punchHole(samples, size, type === "Int16" ? NODATA : Number.NaN);
  return translate(dir, samples, size, size, type, {
    srs: "EPSG:32632",
    origin: [400000, 5200000],
    pixel: 30,
    nodata: surface === "sinusoids" ? undefined : type === "Int16" ? NODATA : "nan",
  });
}

/**
 * A size² DEM from a real sample (default: the SRTM 30 m Big Tujunga DEM, UTM 11N), mirrored so every copy meets
 * its neighbour along an identical row or column; georeferenced like the sample, from its origin. Returns its path,
 * or `undefined` with `reason` when the sample is absent.
 */
export function makeRealDem(dir, size, sample = "srtm_bigtujunga30m_utm11.tif") {
  const source = `${SAMPLES}${sample}`;
  if (!existsSync(source)) return { path: undefined, reason: `${source} not found` };
  const info = JSON.parse(run("gdalinfo", ["-json", source]));
  const [width, height] = info.size;
  const band = info.bands[0];
  if (band.type !== "Int16") throw new Error(`${sample}: expected an Int16 band, found ${band.type}`);
  const raw = `${dir}/real-source.bin`;
  run("gdal_translate", ["-q", "-of", "ENVI", source, raw]);
  const tile = new Int16Array(readFileSync(raw).buffer.slice(0));
  const out = new Int16Array(size * size);
  for (let r = 0; r < size; r++) {
    const sr = mirror(r, height);
    for (let c = 0; c < size; c++) out[r * size + c] = tile[sr * width + mirror(c, width)];
  }
  const gt = info.geoTransform;
  const path = translate(dir, out, size, size, "Int16", {
    srs: info.coordinateSystem.wkt,
    origin: [gt[0], gt[3]],
    pixel: gt[1],
    pixelY: gt[5],
    nodata: band.noDataValue,
    name: "real",
  });
  return { path, reason: undefined };
}

/** Index i of an endless mirrored repetition of n cells: 0 … n−1, n−2 … 1, 0 … (no cell doubled at the seam). */
function mirror(i, n) {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = i % period;
  return k < n ? k : period - k;
}

/**
 * The power-law surface in metres: the real part of the inverse FFT of a spectrum with |A(k)| = k^−1.6 and phases
 * from a seeded generator, scaled to a 400 m standard deviation about 1200 m (mountain relief at 30 m pixels).
 * The size must be a power of two.
 */
function powerLaw(size) {
  if (size & (size - 1)) throw new Error(`the power-law surface needs a power-of-two size, not ${size}`);
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  const random = mulberry32(SEED);
  for (let r = 0; r < size; r++) {
    const fy = r < size / 2 ? r : r - size;
    for (let c = 0; c < size; c++) {
      const fx = c < size / 2 ? c : c - size;
      const k2 = fx * fx + fy * fy;
      const phase = 2 * Math.PI * random();
      const amplitude = k2 === 0 ? 0 : Math.exp(-0.5 * AMPLITUDE_EXPONENT * Math.log(k2));
      re[r * size + c] = amplitude * Math.cos(phase);
      im[r * size + c] = amplitude * Math.sin(phase);
    }
  }
  fft2(re, im, size);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < re.length; i++) {
    sum += re[i];
    squares += re[i] * re[i];
  }
  const mean = sum / re.length;
  const scale = 400 / Math.sqrt(squares / re.length - mean * mean);
  for (let i = 0; i < re.length; i++) re[i] = 1200 + (re[i] - mean) * scale;
  return re;
}

/** The smooth surface of earlier benchmarks: three sinusoids. */
function sinusoids(size) {
  const values = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const u = c / size;
      const v = r / size;
      values[r * size + c] =
        800 +
        600 * Math.sin(7 * u) * Math.cos(5 * v) +
        150 * Math.sin(37 * u + 11 * v) +
        40 * Math.cos(91 * v - 53 * u);
    }
  }
  return values;
}

/** A small nodata hole: a disc of radius size/100 centred at (0.3, 0.6) of the raster. */
function punchHole(values, size, nodata) {
  const radius = Math.max(2, Math.round(size / 100));
  const cr = Math.round(0.3 * size);
  const cc = Math.round(0.6 * size);
  for (let r = cr - radius; r <= cr + radius; r++) {
    for (let c = cc - radius; c <= cc + radius; c++) {
      if ((r - cr) ** 2 + (c - cc) ** 2 <= radius * radius) values[r * size + c] = nodata;
    }
  }
}

/** In-place 2-D FFT (rows, then columns) of a size² complex array; the sign does not matter for random phases. */
function fft2(re, im, size) {
  const tables = twiddles(size);
  for (let r = 0; r < size; r++) {
    const o = r * size;
    fft(re.subarray(o, o + size), im.subarray(o, o + size), tables);
  }
  // The columns as rows of the transpose: a transposed random-phase field is as good a surface as the field.
  transpose(re, size);
  transpose(im, size);
  for (let r = 0; r < size; r++) {
    const o = r * size;
    fft(re.subarray(o, o + size), im.subarray(o, o + size), tables);
  }
}

/** In-place transpose of a size² array, in 64² blocks (cache-friendly). */
function transpose(a, size) {
  const block = 64;
  for (let rb = 0; rb < size; rb += block) {
    for (let cb = rb; cb < size; cb += block) {
      for (let r = rb; r < Math.min(rb + block, size); r++) {
        for (let c = Math.max(cb, r + 1); c < Math.min(cb + block, size); c++) {
          const t = a[r * size + c];
          a[r * size + c] = a[c * size + r];
          a[c * size + r] = t;
        }
      }
    }
  }
}

function twiddles(n) {
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  return { cos, sin };
}

/** Iterative radix-2 FFT of one complex row. */
function fft(re, im, { cos, sin }) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const m = im[i];
      im[i] = im[j];
      im[j] = m;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sin[k * step];
        const a = i + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** A small seeded generator (mulberry32): the same surface on every machine. */
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

/** Raw samples + an ENVI header → a DEFLATE-tiled GeoTIFF through gdal_translate. */
function translate(dir, samples, width, height, type, { srs, origin, pixel, pixelY, nodata, name = "dem" }) {
  const raw = `${dir}/${name}.bin`;
  writeFileSync(raw, samples);
  const gt = [origin[0], pixel, 0, origin[1], 0, pixelY ?? -pixel];
  writeFileSync(
    `${dir}/${name}.hdr`,
    `ENVI\nsamples = ${width}\nlines = ${height}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\n` +
      `data type = ${type === "Int16" ? 2 : 4}\ninterleave = bsq\nbyte order = 0\n`,
  );
  const tif = `${dir}/${name}.tif`;
  const args = ["-q", "-a_srs", srs, "-a_ullr", gt[0], gt[3], gt[0] + width * gt[1], gt[3] + height * gt[5]];
  if (nodata !== undefined && nodata !== null) args.push("-a_nodata", String(nodata));
  args.push("-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", raw, tif);
  run("gdal_translate", args.map(String));
  return tif;
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.error}`);
  return result.stdout;
}
