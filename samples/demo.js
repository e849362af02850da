// `npm run demo`: runs demgrad on the bundled sample DEMs and renders pictures into out/.
//  - out/alps-utm32.{slope,aspect,gradient}.tif and .hillshade.png: the products, as the CLI writes them
//  - out/alps-utm32.relief.png: the relief product (terrain colours shaded by the combined hillshade)
//  - out/slope.png, out/aspect.png and out/relief.png: pictures with legends (samples/pictures.js)
//  - the same terrain in EPSG:4326: mean slopes agree because demgrad measures true ground metres
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { aspect, hillshade, processDem, readDem, slope, terrainGradient } from "../dist/index.js";
import { namedRamp } from "../dist/terrain/colour-ramps.js";
import { COMPASS_TICKS, colourise, RAMPS, savePicture, ticksBetween } from "./pictures.js";

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
const shade = hillshade(grad, { variant: "multidirectional" });
const { width, height } = dem;
let [low, high] = [Infinity, -Infinity];
for (const v of dem.data) if (!Number.isNaN(v)) [low, high] = [Math.min(low, v), Math.max(high, v)];

const degrees = (v) => `${v.toFixed(0)}°`;
// The relief product's colours are the terrain ramp over the DEM's range: its legend is that ramp.
const terrainRamp = namedRamp("terrain")
  .entries.filter((e) => e.stop.kind === "percent")
  .map((e) => [e.stop.percent / 100, e.rgba.slice(0, 3)]);
const relief = await sharp(`${out}alps-utm32.relief.png`).removeAlpha().raw().toBuffer();
const files = [
  await savePicture(
    `${out}slope.png`,
    colourise(slopes, { ramp: RAMPS.slope, min: 0, max: 60 }),
    width,
    height,
    {
      title: "slope (degrees from horizontal, true ground metres)",
      ramp: RAMPS.slope,
      ticks: ticksBetween(0, 60, 5, degrees),
    },
  ),
  // Muted compass colours under the hillshade; flat cells grey.
  await savePicture(
    `${out}aspect.png`,
    colourise(aspects, { ramp: RAMPS.compass, min: 0, max: 360, nodataColour: [190, 190, 190], shade }),
    width,
    height,
    {
      title: "aspect: the direction the slope faces (from true north), over a hillshade",
      ramp: RAMPS.compass,
      ticks: COMPASS_TICKS,
    },
  ),
  await savePicture(`${out}relief.png`, relief, width, height, {
    title: "elevation (m), shaded by the combined hillshade: demgrad relief",
    ramp: terrainRamp,
    ticks: ticksBetween(low, high, 5, (v) => v.toFixed(0)),
  }),
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
