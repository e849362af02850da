// The CRSs whose proj4 definitions demgrad writes out itself (so the commonest DEMs do not load
// geotiff-geokeys-to-proj4's EPSG tables) give exactly the library's definition, with the keys GDAL writes beside
// the code; any other key sends the CRS to the library.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { crsFromKeys } from "../../dist/geo/crs.js";
import { KNOWN_EPSG_CODES, knownCrsKind, knownDefinition } from "../../dist/geo/known-crs.js";

const library = createRequire(import.meta.url)("geotiff-geokeys-to-proj4");
const PROJ4 = createRequire(import.meta.url)("proj4");

/** The key sets to try for a code: the bare code and what GDAL and other writers put beside it. */
function keySets(code) {
  if (code === 4326) {
    const base = { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 };
    return [
      base,
      { ...base, GTRasterTypeGeoKey: 1, GeogCitationGeoKey: "WGS 84", GeogAngularUnitsGeoKey: 9102 },
      {
        ...base,
        GTRasterTypeGeoKey: 2,
        GeogSemiMajorAxisGeoKey: 6378137,
        GeogInvFlatteningGeoKey: 298.257223563,
      },
    ];
  }
  const base = { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: code };
  return [
    base,
    {
      ...base,
      GTRasterTypeGeoKey: 1,
      GTCitationGeoKey: "WGS 84 / UTM zone 32N",
      GeogCitationGeoKey: "WGS 84",
      GeogAngularUnitsGeoKey: 9102,
      ProjLinearUnitsGeoKey: 9001,
    },
    { ...base, GTRasterTypeGeoKey: 2, PCSCitationGeoKey: "PCS Name = WGS_84_UTM_zone_11N" },
  ];
}

test("every known code, with the keys written beside it, gives the library's definition", () => {
  assert.ok(KNOWN_EPSG_CODES.length >= 140);
  for (const code of KNOWN_EPSG_CODES) {
    for (const keys of keySets(code)) {
      const expected = library.toProj4(keys);
      assert.deepEqual(expected.errors, {}, `${code}`);
      assert.equal(knownDefinition(keys), expected.proj4, JSON.stringify(keys));
      PROJ4.Proj(expected.proj4);
    }
  }
});

test("every known code is projected or geographic as the library's tables say (georefFromEpsg asks no more)", () => {
  for (const code of KNOWN_EPSG_CODES) {
    const { isGCS } = library.toProj4({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: code });
    assert.equal(knownCrsKind(code), isGCS ? "geographic" : "projected", `${code}`);
  }
  assert.equal(knownCrsKind(2056), undefined);
});

test("any other key or value goes to the library", () => {
  const utm = { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32632 };
  for (const keys of [
    { ...utm, ProjLinearUnitsGeoKey: 9002 },
    { ...utm, GeogAngularUnitsGeoKey: 9101 },
    { ...utm, ProjFalseEastingGeoKey: 100 },
    { ...utm, GTModelTypeGeoKey: 2 },
    { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32661 },
    { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326, GeogInvFlatteningGeoKey: 298.257222101 },
    { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4269 },
    { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: "32632" },
  ]) {
    assert.equal(knownDefinition(keys), undefined, JSON.stringify(keys));
  }
});

test("known keys read as their CRS: kind, EPSG code, ellipsoid and unit", () => {
  for (const code of KNOWN_EPSG_CODES) {
    for (const keys of keySets(code)) {
      const crs = crsFromKeys(keys);
      assert.equal(crs.kind, code === 4326 ? "geographic" : "projected", `${code}`);
      assert.equal(crs.epsg, code);
      assert.equal(crs.ellipsoid.a, 6378137);
      assert.ok(!/\+axis=/.test(crs.proj4), crs.proj4);
      if (code !== 4326) assert.equal(crs.linearUnit, 1);
    }
  }
});
