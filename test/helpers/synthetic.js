// Synthetic DEMs for tests: exact planes in ground metres on any CRS, written with demgrad's own writer.
import geokeysToProj4 from "geotiff-geokeys-to-proj4";
import proj4 from "proj4";
import { georefFromEpsg, writeGeoTiff } from "../../dist/index.js";

/**
 * Writes a DEM whose elevation is `a·E + b·N` metres, with E/N ground metres east/north of the grid's centre
 * (azimuthal equidistant coordinates on WGS84, true distances from the centre), and returns the truth per pixel:
 * the expected slope (degrees) and the compass bearing the slope faces at each pixel centre.
 */
export async function writePlane(
  path,
  { epsg, geographic = false, gt, width, height, a, b, defs, unitMetres = 1, unit },
) {
  const crs =
    defs ??
    geokeysToProj4.toProj4({
      GTModelTypeGeoKey: geographic ? 2 : 1,
      [geographic ? "GeographicTypeGeoKey" : "ProjectedCSTypeGeoKey"]: epsg,
    }).proj4;
  const toLonLat = proj4(crs, "EPSG:4326");
  const centre = toLonLat.forward([gt[0] + (width / 2) * gt[1], gt[3] + (height / 2) * gt[5]]);
  const aeqd = `+proj=aeqd +lat_0=${centre[1]} +lon_0=${centre[0]} +datum=WGS84 +units=m +no_defs`;
  const toLocal = proj4("EPSG:4326", aeqd);
  const data = new Float32Array(width * height);
  const aspect = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const lonlat = toLonLat.forward([gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]]);
      const [e, n] = toLocal.forward(lonlat);
      data[r * width + c] = (a * e + b * n) / unitMetres;
      // Angle of true north in the local grid at this point, from a tiny step along the meridian.
      const [e2, n2] = toLocal.forward([lonlat[0], lonlat[1] + 1e-5]);
      const northInGrid = Math.atan2(e2 - e, n2 - n);
      const gridAspect = Math.atan2(-a, -b);
      aspect[r * width + c] = (((gridAspect - northInGrid) * 180) / Math.PI + 720) % 360;
    }
  }
  const georef = georefFromEpsg(epsg, gt, { width, height });
  await writeGeoTiff(path, { width, height, data }, { like: georef, units: unit ? [unit] : undefined });
  return { slope: (Math.atan(Math.hypot(a, b)) * 180) / Math.PI, aspect };
}
