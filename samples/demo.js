// `npm run demo`: runs demgrad on the bundled sample DEMs and renders pictures into out/.
//  - out/alps-utm32.{slope,aspect,gradient}.tif and .hillshade.png: the products, as the CLI writes them
//  - out/alps-utm32.relief.png: the relief product (terrain colours shaded by the combined hillshade)
//  - out/slope.png (colour ramp), out/aspect.png (colour wheel)
//  - the same terrain in EPSG:4326: mean slopes agree because demgrad measures true ground metres
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { aspect, processDem, readDem, slope, terrainGradient } from "../dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}out/`;
mkdirSync(out, { recursive: true });
const utm = `${root}samples/alps-utm32.tif`;
const wgs84 = `${root}samples/alps-wgs84.tif`;
if (!existsSync(utm) || !existsSync(wgs84)) await import("./make-samples.js");

await processDem(
  utm,
  {
    slope: `${out}alps-utm32.slope.tif`,
    aspect: `${out}alps-utm32.aspect.tif`,
    hillshade: `${out}alps-utm32.hillshade.png`,
    gradient: `${out}alps-utm32.gradient.tif`,
    relief: `${out}alps-utm32.relief.png`,
  },
  { warn: () => {} },
);

const dem = await readDem(utm);
const grad = terrainGradient(dem);
const slopes = slope(grad);
const aspects = aspect(grad);
const { width, height } = dem;

/** Linear colour ramp through the given stops ([value, [r, g, b]]). */
function ramp(stops, v) {
  if (v <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [v1, c1] = stops[i];
    const [v0, c0] = stops[i - 1];
    if (v <= v1) return c0.map((c, k) => c + ((c1[k] - c) * (v - v0)) / (v1 - v0));
  }
  return stops[stops.length - 1][1];
}

/** HSV (h in degrees) to RGB 0..255. */
function hsv(h, s, v) {
  const f = (n) => {
    const k = (n + h / 60) % 6;
    return 255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

async function savePng(name, pixel) {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(pixel(i).map(Math.round), i * 3);
  await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(`${out}${name}`);
  return `${out}${name}`;
}

const slopeRamp = [
  [0, [255, 255, 204]],
  [10, [161, 218, 180]],
  [20, [65, 182, 196]],
  [30, [44, 127, 184]],
  [45, [37, 52, 148]],
  [60, [80, 20, 90]],
];
const files = [
  await savePng("slope.png", (i) => ramp(slopeRamp, slopes[i])),
  await savePng("aspect.png", (i) =>
    Number.isNaN(aspects[i]) ? [128, 128, 128] : hsv(aspects[i], Math.min(1, slopes[i] / 25), 1),
  ),
];

/** Mean of the valid cells (NaN is nodata in memory), leaving out `margin` cells on every side. */
const mean = (values, w, h, margin = 0) => {
  let sum = 0;
  let n = 0;
  for (let r = margin; r < h - margin; r++) {
    for (let c = margin; c < w - margin; c++) {
      const v = values[r * w + c];
      if (Number.isNaN(v)) continue;
      sum += v;
      n++;
    }
  }
  return sum / n;
};
const geographic = await readDem(wgs84);
const geographicSlope = mean(slope(terrainGradient(geographic)), geographic.width, geographic.height);
console.log(`demgrad demo — sample DEM ${width}×${height} (UTM 32N, 25 m) and the same terrain in EPSG:4326`);
// The EPSG:4326 sample covers the UTM one less an 800 m margin (32 cells).
console.log(
  `  mean slope over the same ground: UTM ${mean(slopes, width, height, 32).toFixed(2)}°, EPSG:4326 ${geographicSlope.toFixed(2)}°`,
);
console.log("Products (GeoTIFF/PNG, georeferenced):");
for (const p of ["slope.tif", "aspect.tif", "gradient.tif", "hillshade.png", "relief.png"])
  console.log(`  ${out}alps-utm32.${p}`);
console.log("Pictures:");
for (const f of files) console.log(`  ${f}`);
