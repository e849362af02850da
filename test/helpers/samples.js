// Real DEM samples for tests. The permissively licensed ones are committed under test/fixtures/real/; the GPL ones
// live outside the repository in ../shared/samples, which CI has and a user's clone does not. Every test reaches a
// sample through `sample()`, and a test that needs an absent one skips with `SAMPLES_MISSING` as its reason (the
// skip-summary reporter prints one line counting them).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../fixtures/real/", import.meta.url));
const SHARED = fileURLToPath(new URL("../../../shared/samples/", import.meta.url));

/** The skip reason of every test that needs a sample which is not here. */
export const SAMPLES_MISSING = "../shared/samples not found";

/** Every sample's file name: the committed fixtures and the external ones. */
export const ALL_SAMPLES = [
  "N43E006.tiff",
  "N43E006_3857.tiff",
  "castro_dem.tiff",
  "dem-hills.tiff",
  "dtm.tif",
  "inldata_dem.tif",
  "pysheds_dem.tif",
  "rgbify_elev.tif",
  "sdts_8821_oregon_basin_wy.tif",
  "srtm_bigtujunga30m_utm11.tif",
  "storml_elev.tif",
  "storml_elev_orig.tif",
  "whitebox_DEM.tif",
];

/** The path of a sample: the committed fixture, else the external copy (which may be absent: see `missing`). */
export function sample(name) {
  if (!ALL_SAMPLES.includes(name)) throw new Error(`unknown sample ${name}`);
  return existsSync(FIXTURES + name) ? FIXTURES + name : SHARED + name;
}

/** For node:test's `skip` option: false when every named sample is here, else the reason to skip. */
export function missing(...names) {
  return names.every((name) => existsSync(sample(name))) ? false : SAMPLES_MISSING;
}

/** With `../shared` present every sample must be there: a CI run never skips for want of one. */
if (process.env.CI && existsSync(SHARED) && ALL_SAMPLES.some((name) => !existsSync(sample(name)))) {
  throw new Error(`CI: a sample named in test/helpers/samples.js is in neither ${FIXTURES} nor ${SHARED}`);
}
