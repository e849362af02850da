// Regenerates the project's own sample DEMs with demgrad's GeoTIFF writer:
//   samples/alps-utm32.tif  — 25 m grid in UTM zone 32N (EPSG:32632), Float32
//   samples/alps-wgs84.tif  — the same ground terrain on a 0.000325° × 0.000225° grid in EPSG:4326, Float32
// Both evaluate one analytic terrain function of the ground position, so they show the same landscape.
import { fileURLToPath } from "node:url";
import proj4 from "proj4";
import { georefFromEpsg, writeGeoTiff } from "../dist/index.js";
import { makeTerrain } from "./terrain.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const UTM32 = "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs";
const extent = { west: 350000, north: 5110000, width: 480, height: 400, pixel: 25 };
const terrain = makeTerrain(42);
const toGround = (easting, northing) => [
  (easting - extent.west) / (extent.width * extent.pixel),
  1 - (extent.north - northing) / (extent.height * extent.pixel),
];

function writeUtm() {
  const { width, height, pixel, west, north } = extent;
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [u, v] = toGround(west + (c + 0.5) * pixel, north - (r + 0.5) * pixel);
      data[r * width + c] = terrain(u, v);
    }
  }
  const gt = [west, pixel, 0, north, 0, -pixel];
  return writeGeoTiff(
    `${here}alps-utm32.tif`,
    { width, height, data },
    { like: georefFromEpsg(32632, gt, { width, height }) },
  );
}

function writeWgs84() {
  // About 25 m on the ground in both directions at 46°N, like the UTM grid.
  const [xStep, yStep] = [0.000325, 0.000225];
  const toLonLat = proj4(UTM32, "EPSG:4326");
  const [lon0, lat0] = toLonLat.forward([extent.west + 800, extent.north - 800]);
  const [lon1, lat1] = toLonLat.forward([
    extent.west + extent.width * extent.pixel - 800,
    extent.north - extent.height * extent.pixel + 800,
  ]);
  const west = Math.ceil(lon0 / xStep) * xStep;
  const north = Math.floor(lat0 / yStep) * yStep;
  const width = Math.floor((lon1 - west) / xStep);
  const height = Math.floor((north - lat1) / yStep);
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [e, n] = toLonLat.inverse([west + (c + 0.5) * xStep, north - (r + 0.5) * yStep]);
      const [u, v] = toGround(e, n);
      data[r * width + c] = terrain(u, v);
    }
  }
  const gt = [west, xStep, 0, north, 0, -yStep];
  return writeGeoTiff(
    `${here}alps-wgs84.tif`,
    { width, height, data },
    { like: georefFromEpsg(4326, gt, { width, height }) },
  );
}

await writeUtm();
await writeWgs84();
console.log("wrote samples/alps-utm32.tif and samples/alps-wgs84.tif");
