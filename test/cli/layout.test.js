// The GeoTIFF layout flags: a COG with internal overviews by default (GDAL's validator passes), --layout plain for
// today's fastest layout, --no-overviews and --overview-levels N.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { demgrad, gdal, HAS_GDAL } from "../helpers/cli.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-layout-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
const noValidator = !existsSync(VALIDATOR) && "GDAL's COG validator not installed (python3-gdal)";
const overviews = (file) => JSON.parse(gdal("gdalinfo", ["-json", file]).stdout).bands[0].overviews ?? [];

function slope(name, ...flags) {
  const out = `${dir}/${name}.tif`;
  const run = demgrad(["slope", sample("inldata_dem.tif"), out, "-q", ...flags]);
  assert.equal(run.status, 0, run.stderr);
  return out;
}

test("default: a valid COG with overviews down to 512 px; --layout plain is not one", {
  skip: noValidator,
}, () => {
  const validate = (file) => spawnSync("/usr/bin/python3", [VALIDATOR, file], { encoding: "utf8" });
  const cog = validate(slope("cog"));
  assert.equal(cog.status, 0, cog.stdout + cog.stderr);
  assert.doesNotMatch(cog.stdout + cog.stderr, /warning/i);
  const plain = validate(slope("plain", "--layout", "plain"));
  assert.notEqual(plain.status, 0);
  assert.match(plain.stdout, /The offset of the main IFD should be 8/);
});

test("--no-overviews and --overview-levels N", { skip: !HAS_GDAL && "gdal-bin not installed" }, () => {
  assert.deepEqual(
    overviews(slope("auto")).map((o) => o.size),
    [
      [573, 571],
      [287, 286],
    ],
  );
  assert.deepEqual(overviews(slope("none", "--no-overviews")), []);
  assert.deepEqual(
    overviews(slope("one", "--overview-levels", "1")).map((o) => o.size),
    [[573, 571]],
  );
  const bad = demgrad(["slope", sample("inldata_dem.tif"), `${dir}/bad.tif`, "--overview-levels", "0"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'demgrad: Expected integer of at least 1 for overview-levels but received "0"\n');
  const layout = demgrad(["slope", sample("inldata_dem.tif"), `${dir}/bad.tif`, "--layout", "striped"]);
  assert.equal(layout.status, 2);
});
