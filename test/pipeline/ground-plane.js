// Planes in true ground metres on any grid (rotated and sheared ones included), with their truth computed here with
// proj4 (pixel centre → lon/lat) and GeographicLib (lon/lat → ground east/north), not by demgrad.
import geographiclib from "geographiclib-geodesic";
import proj4 from "proj4";
import { writeGeoTiff } from "../../dist/index.js";

const DEG = 180 / Math.PI;

/**
 * Writes a DEM whose elevation is `a·E + b·N` metres (divided by `unitMetres`), E and N ground metres east and north
 * of the grid's centre (azimuthal equidistant coordinates: geodesic distance and azimuth from the centre, on the
 * CRS's own ellipsoid), and returns the truth: the slope (degrees), and per pixel the compass bearing the slope
 * faces and the bearing of the map's +y direction (from a small step along map +y, for grid-north checks).
 *
 * `lonLat` is the proj4 definition of lon/lat on the CRS's ellipsoid (no datum shift), `ellipsoid` its a and 1/f.
 */
export async function writeGroundPlane(
  path,
  { georef, definition, lonLat, ellipsoid, a, b, unitMetres = 1, unit },
) {
  const { width, height, geoTransform: gt } = georef;
  const toLonLat = proj4(definition, lonLat);
  const geodesic = new geographiclib.Geodesic.Geodesic(ellipsoid.a, ellipsoid.rf ? 1 / ellipsoid.rf : 0);
  const map = (c, r) => [gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]];
  const centre = toLonLat.forward(map(width / 2, height / 2));
  const data = new Float32Array(width * height);
  const aspect = new Float64Array(width * height);
  const gridNorth = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [x, y] = map(c + 0.5, r + 0.5);
      const [lon, lat] = toLonLat.forward([x, y]);
      const g = geodesic.Inverse(centre[1], centre[0], lat, lon);
      const azimuth = g.azi1 / DEG;
      data[r * width + c] = (a * g.s12 * Math.sin(azimuth) + b * g.s12 * Math.cos(azimuth)) / unitMetres;
      // The azimuthal equidistant frame at this pixel is turned by azi2 − azi1 from the local east/north frame.
      const facing = Math.atan2(-a, -b) * DEG + g.azi2 - g.azi1;
      aspect[r * width + c] = ((facing % 360) + 360) % 360;
      // Grid north: the mean direction to points a hundredth of a pixel up and down map +y.
      const step = 0.01 * Math.hypot(gt[2], gt[5]);
      const up = toLonLat.forward([x, y + step]);
      const down = toLonLat.forward([x, y - step]);
      const toUp = geodesic.Inverse(lat, lon, up[1], up[0]).azi1 / DEG;
      const fromDown = geodesic.Inverse(lat, lon, down[1], down[0]).azi1 / DEG + Math.PI;
      gridNorth[r * width + c] =
        Math.atan2(Math.sin(toUp) + Math.sin(fromDown), Math.cos(toUp) + Math.cos(fromDown)) * DEG;
    }
  }
  await writeGeoTiff(path, { width, height, data }, { like: georef, units: unit ? [unit] : undefined });
  return { slope: Math.atan(Math.hypot(a, b)) * DEG, aspect, gridNorth };
}
