// The grids of the analytic plane tests (test/pipeline/analytic.test.js): conformal and non-conformal projections,
// geographic grids, units, orientations, rotated and sheared transforms — each 40×30 pixels around a chosen place.
import geokeysToProj4 from "geotiff-geokeys-to-proj4";
import proj4 from "proj4";
import { georefFromEpsg, georefFromTags } from "../../dist/index.js";

export const WIDTH = 40;
export const HEIGHT = 30;

const WGS84 = { a: 6378137, rf: 298.257223563 };
const GRS80 = { a: 6378137, rf: 298.257222101 };
const MODIS_R = 6371007.181;
const SINUSOIDAL = `+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=${MODIS_R} +units=m +no_defs`;

/** The GeoKeys GDAL 3.6 writes for SINUSOIDAL (user-defined CRS on a sphere, CT_Sinusoidal). */
const SINUSOIDAL_TAGS = {
  GeoKeyDirectory: [
    1, 1, 0, 18, 1024, 0, 1, 1, 1025, 0, 1, 1, 1026, 34737, 8, 0, 2048, 0, 1, 32767, 2049, 34737, 75, 8, 2050,
    0, 1, 32767, 2054, 0, 1, 9102, 2056, 0, 1, 32767, 2057, 34736, 1, 3, 2058, 34736, 1, 4, 2061, 34736, 1, 5,
    3072, 0, 1, 32767, 3074, 0, 1, 32767, 3075, 0, 1, 24, 3076, 0, 1, 9001, 3082, 34736, 1, 1, 3083, 34736, 1,
    2, 3088, 34736, 1, 0,
  ],
  GeoDoubleParams: [0, 0, 0, MODIS_R, MODIS_R, 0],
  GeoAsciiParams: "unknown|GCS Name = unknown|Datum = unknown|Ellipsoid = unknown|Primem = Greenwich||\0",
};

const epsgDefinition = (epsg, geographic) =>
  geokeysToProj4.toProj4({
    GTModelTypeGeoKey: geographic ? 2 : 1,
    [geographic ? "GeographicTypeGeoKey" : "ProjectedCSTypeGeoKey"]: epsg,
  }).proj4;

/**
 * A geotransform of `pixel`-sized pixels whose grid centre lies at lon/lat `at`, its columns turned `rotation`
 * degrees anticlockwise from map +x and its rows `shear` degrees further from perpendicular; south-up with `southUp`.
 */
function transformAround(definition, at, pixel, { rotation = 0, shear = 0, southUp = false } = {}) {
  const [x, y] = proj4("EPSG:4326", definition).forward(at);
  const t = (rotation * Math.PI) / 180;
  const s = ((rotation + shear) * Math.PI) / 180;
  const column = [pixel * Math.cos(t), pixel * Math.sin(t)];
  // The row step points down the image: map −y on a north-up grid, turned like the columns (plus the shear).
  const row = southUp ? [0, pixel] : [pixel * Math.sin(s), -pixel * Math.cos(s)];
  const gt = [0, column[0], row[0], 0, column[1], row[1]];
  gt[0] = x - (WIDTH / 2) * gt[1] - (HEIGHT / 2) * gt[2];
  gt[3] = y - (WIDTH / 2) * gt[4] - (HEIGHT / 2) * gt[5];
  return gt;
}

const size = { width: WIDTH, height: HEIGHT };

function epsgCase(epsg, at, pixel, { geographic = false, ellipsoid = WGS84, ...orientation } = {}) {
  const definition = epsgDefinition(epsg, geographic);
  const gt = geographic
    ? transformAround("EPSG:4326", at, pixel, orientation)
    : transformAround(definition, at, pixel, orientation);
  return { georef: georefFromEpsg(epsg, gt, size), definition, ellipsoid };
}

function sinusoidalCase(at, pixel, orientation) {
  const gt = transformAround(SINUSOIDAL, at, pixel, orientation);
  const tags = { ...SINUSOIDAL_TAGS, ModelTransformation: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3]] };
  tags.ModelTransformation.push(0, 0, 0, 0, 0, 0, 0, 1);
  return { georef: georefFromTags(tags, size), definition: SINUSOIDAL, ellipsoid: { a: MODIS_R, rf: 0 } };
}

const ARC_SECOND = 1 / 3600;

/** name → { georef, definition, ellipsoid, unitMetres?, unit? } */
export function analyticCases() {
  return {
    "EPSG:4326 at the equator": epsgCase(4326, [10.006, 0.006], ARC_SECOND, { geographic: true }),
    "EPSG:4326 at 60°N": epsgCase(4326, [10.006, 60.006], ARC_SECOND, { geographic: true }),
    "EPSG:3857 at 60°N": epsgCase(3857, [10.01, 60.0], 60),
    "UTM 33N 3.5° east of its meridian": epsgCase(32633, [18.5, 47], 30),
    // Elevations tagged in metres: untagged, they would be taken in the CRS's US feet.
    "State Plane NY Long Island, US survey feet (Lambert)": {
      ...epsgCase(2263, [-73.9, 40.75], 100, { ellipsoid: GRS80 }),
      unit: "m",
    },
    "CONUS Albers at a standard parallel": epsgCase(5070, [-95, 45.5], 30, { ellipsoid: GRS80 }),
    "CONUS Albers far from its centre (Seattle)": epsgCase(5070, [-122.3, 47.6], 30, { ellipsoid: GRS80 }),
    "CONUS Albers far from its centre, 1 km pixels (Maine)": epsgCase(5070, [-68.5, 46.5], 1000, {
      ellipsoid: GRS80,
    }),
    "LAEA Europe far from its centre (Canary Islands)": epsgCase(3035, [-16.6, 28.3], 100, {
      ellipsoid: GRS80,
    }),
    "LAEA Europe far from its centre (Urals)": epsgCase(3035, [60, 58], 100, { ellipsoid: GRS80 }),
    "sinusoidal (MODIS 463 m) at 60°E 55°N": sinusoidalCase([60, 55], 463.312716528),
    "plate carrée (EPSG:4087) at 60°N": epsgCase(4087, [20, 60], 100),
    "cylindrical equal-area (EASE-Grid 2.0, EPSG:6933) at 70°N": epsgCase(6933, [20, 70], 100),
    "polar stereographic north": epsgCase(3413, [-30, 75], 50),
    "south-up UTM 33N": epsgCase(32633, [15.5, 45.2], 30, { southUp: true }),
    "UTM 32N with elevations in feet": { ...epsgCase(32632, [8, 46], 25), unitMetres: 0.3048, unit: "ft" },
    "UTM 33N rotated 30°": epsgCase(32633, [17, 48], 30, { rotation: 30 }),
    "UTM 33N rotated 90°": epsgCase(32633, [14, 48], 30, { rotation: 90 }),
    "UTM 33N sheared 20°": epsgCase(32633, [16, 48], 30, { rotation: -10, shear: 20 }),
    "sinusoidal rotated 45° at 60°E 55°N": sinusoidalCase([60, 55], 463.312716528, { rotation: 45 }),
    "EPSG:4326 rotated 30° at 50°N": epsgCase(4326, [10, 50], ARC_SECOND, { geographic: true, rotation: 30 }),
  };
}
