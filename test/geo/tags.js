// Reading a GeoTIFF's georeferencing tags with geotiff.js directly (independent of demgrad's reader), and making
// small GeoTIFFs with GDAL for CRSs the real samples do not cover.
import { writeFileSync } from "node:fs";
import { fromFile } from "geotiff";
import { gdal } from "../helpers/cli.js";
import { geoTiffTags } from "../helpers/raster.js";

/** The raw georeferencing tags and raster size of a GeoTIFF's first image, as georefFromTags takes them. */
export async function readTags(path) {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    return { tags: await geoTiffTags(image), width: image.getWidth(), height: image.getHeight() };
  } finally {
    await tiff.close?.();
  }
}

/**
 * A 4×3 Int16 GeoTIFF made by gdal_translate from a raw ENVI file: `srs` as -a_srs, `ullr` as -a_ullr, `extra`
 * more options (e.g. `-mo AREA_OR_POINT=Point`). Returns the path.
 */
export function gdalGeoTiff(dir, name, srs, ullr, extra = []) {
  const raw = `${dir}/${name}.raw`;
  writeFileSync(raw, Buffer.from(new Int16Array(12).buffer));
  writeFileSync(
    `${dir}/${name}.hdr`,
    "ENVI\nsamples = 4\nlines = 3\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\n" +
      "data type = 2\ninterleave = bsq\nbyte order = 0\n",
  );
  const out = `${dir}/${name}.tif`;
  gdal("gdal_translate", [
    "-q",
    "-of",
    "GTiff",
    "-a_srs",
    srs,
    "-a_ullr",
    ...ullr.map(String),
    ...extra,
    raw,
    out,
  ]);
  return out;
}

/** `gdalinfo -json` of a file. */
export function gdalInfo(path) {
  return JSON.parse(gdal("gdalinfo", ["-json", path]).stdout);
}

/** GDAL's proj4 string for a file's CRS. */
export function gdalProj4(path) {
  return gdal("gdalsrsinfo", ["-o", "proj4", path]).stdout.trim();
}
