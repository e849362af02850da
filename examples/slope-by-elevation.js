// A GIS script with the library: slope statistics by elevation band, and a PNG of the steep ground.
// Run from the repository root: node examples/slope-by-elevation.js [dem.tif]
import { mkdirSync } from "node:fs";
import { readDem, slope, terrainGradient, writePng } from "demgrad";

const file = process.argv[2] ?? "samples/alps-utm32.tif";
const dem = await readDem(file); // elevations in metres (feet DEMs converted), NaN = nodata
const degrees = slope(terrainGradient(dem)); // NaN where undefined
const band = 250; // metres per elevation band

const stats = new Map();
for (let i = 0; i < degrees.length; i++) {
  const z = dem.data[i];
  if (Number.isNaN(degrees[i]) || Number.isNaN(z)) continue;
  const key = Math.floor(z / band) * band;
  const s = stats.get(key) ?? { n: 0, sum: 0, steep: 0 };
  s.n++;
  s.sum += degrees[i];
  if (degrees[i] > 30) s.steep++;
  stats.set(key, s);
}

console.log(`Slope by elevation band — ${file}`);
console.log("elevation (m)   cells   mean slope   steeper than 30°");
for (const [key, s] of [...stats].sort((a, b) => a[0] - b[0])) {
  const range = `${key}–${key + band}`.padEnd(14);
  console.log(
    `${range}  ${String(s.n).padStart(6)}   ${(s.sum / s.n).toFixed(1).padStart(9)}°   ${((100 * s.steep) / s.n).toFixed(0).padStart(14)} %`,
  );
}

// Steep ground (> 30°) dark, the rest light; nodata transparent.
mkdirSync("out", { recursive: true });
const picture = Uint8Array.from(degrees, (d) => (Number.isNaN(d) ? 0 : d > 30 ? 40 : 230));
await writePng(
  "out/steep-ground.png",
  { width: dem.width, height: dem.height, data: picture },
  { like: dem.georef, nodata: 0 },
);
console.log("wrote out/steep-ground.png (with its world file)");
