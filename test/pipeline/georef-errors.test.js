// Georeferencing demgrad cannot turn into ground distances: every such DEM is refused before any output exists,
// with one line naming the file and the problem (the library throws a GeorefError carrying the file).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, test } from "node:test";
import { GeorefError, georefFromTags, processDem, writeGeoTiff } from "../../dist/index.js";
import { demgrad } from "../helpers/cli.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-georef-errors-`);
const out = mkdtempSync(`${tmpdir()}/demgrad-georef-errors-out-`);
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const keys = (model, key, code) => [1, 1, 0, 2, 1024, 0, 1, model, key, 0, 1, code];
const CASES = {
  "unknown-epsg": {
    tags: {
      ModelPixelScale: [30, 30, 0],
      ModelTiepoint: [0, 0, 0, 500000, 4000000, 0],
      GeoKeyDirectory: keys(1, 3072, 65000),
    },
    message: /unknown EPSG code 65000 \(ProjectedCSTypeGeoKey\): ground distances are unknown: pass --xscale/,
  },
  "huge-pixels": {
    tags: {
      ModelPixelScale: [1e308, 1e308, 0],
      ModelTiepoint: [0, 0, 0, 500000, 4000000, 0],
      GeoKeyDirectory: keys(1, 3072, 32633),
    },
    message: /unusable geotransform \[.*\]: the raster's corner coordinates are not finite numbers/,
  },
  "beyond-the-pole": {
    tags: {
      ModelPixelScale: [0.1, 0.1, 0],
      ModelTiepoint: [0, 0, 0, 10, 95, 0],
      GeoKeyDirectory: keys(2, 2048, 4326),
    },
    message: /the raster reaches latitude 95°, beyond ±90°/,
  },
};

before(async () => {
  for (const [name, { tags }] of Object.entries(CASES)) {
    const georef = georefFromTags(tags, { width: 8, height: 6 });
    const data = Float32Array.from({ length: 48 }, (_, i) => 100 + i);
    await writeGeoTiff(`${dir}/${name}.tif`, { width: 8, height: 6, data }, { like: georef });
  }
});

for (const [name, { message }] of Object.entries(CASES)) {
  test(`${name}: the library throws a GeorefError naming the file, nothing is written`, async () => {
    const dem = `${dir}/${name}.tif`;
    await assert.rejects(
      processDem(dem, { slope: `${out}/slope.tif` }),
      (e) => e instanceof GeorefError && e.file === dem && message.test(e.message),
    );
    assert.deepEqual(readdirSync(out), []);
  });
  test(`${name}: the CLI prints one line with the file name and exits 1`, () => {
    const run = demgrad(["slope", `${dir}/${name}.tif`, `${out}/slope.tif`]);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.ok(lines[0].startsWith(`demgrad: ${dir}/${name}.tif: `), lines[0]);
    assert.match(lines[0], message);
    assert.deepEqual(readdirSync(out), []);
  });
}
