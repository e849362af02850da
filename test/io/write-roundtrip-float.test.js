// The GeoTIFF writer's pixels for Float32 and Float64 (floating-point predictor, NaN and −0 kept bit-exact);
// the integer types are in write-roundtrip.test.js (split so the two run in parallel).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe } from "node:test";
import { sample } from "../helpers/samples.js";
import { roundTripTests, sampleGeoref } from "./write-support.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-write-float-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const like = (await sampleGeoref(sample("inldata_dem.tif"))).georef;

describe("GeoTIFF round trips, floating point", () => {
  roundTripTests(["Float32", "Float64"], dir, like);
});
