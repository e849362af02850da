// Reading rasters back for comparisons: geotiff.js for GeoTIFFs (an independent reader), sharp for PNGs.
import { fromFile } from "geotiff";
import sharp from "sharp";

/** First band (or `band`, 0-based) of a GeoTIFF as a typed array plus width/height. */
export async function readBand(path, band = 0) {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    const [data] = await image.readRasters({ samples: [band] });
    return { data, width: image.getWidth(), height: image.getHeight() };
  } finally {
    tiff.close?.();
  }
}

/** Every band of a GeoTIFF, as typed arrays. */
export async function readBands(path) {
  const tiff = await fromFile(path);
  try {
    return Array.from(await (await tiff.getImage()).readRasters());
  } finally {
    tiff.close?.();
  }
}

/** A PNG's channels: grey and (if present) alpha. */
export async function readPng(path) {
  // sharp reads grey PNGs back as sRGB: take the first channel as grey and the last as alpha.
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const grey = new Uint8Array(n);
  const alpha = info.channels === 2 || info.channels === 4 ? new Uint8Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    grey[i] = data[i * info.channels];
    if (alpha) alpha[i] = data[i * info.channels + info.channels - 1];
  }
  return { grey, alpha, width: info.width, height: info.height, channels: info.channels };
}

/** A PNG's channels as separate bands (grey; grey, alpha; red, green, blue; or red, green, blue, alpha). */
export async function readPngBands(path) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const bands = Array.from({ length: info.channels }, () => new Uint8Array(n));
  for (let i = 0; i < n; i++)
    for (let b = 0; b < info.channels; b++) bands[b][i] = data[i * info.channels + b];
  return { bands, width: info.width, height: info.height };
}

/** Smallest angular difference in degrees. */
export function angleDiff(a, b) {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Typed arrays by GDAL data type name. */
export const TYPED_ARRAYS = {
  Byte: Uint8Array,
  Int8: Int8Array,
  UInt16: Uint16Array,
  Int16: Int16Array,
  UInt32: Uint32Array,
  Int32: Int32Array,
  Float32: Float32Array,
  Float64: Float64Array,
};

/** The raw georeferencing tags of an open geotiff.js image, as georefFromTags takes them (read with geotiff.js, not
 * with demgrad's reader). */
export async function geoTiffTags(image) {
  const ifd = image.fileDirectory;
  const tags = {};
  for (const name of [
    "ModelPixelScale",
    "ModelTiepoint",
    "ModelTransformation",
    "GeoKeyDirectory",
    "GeoDoubleParams",
    "GeoAsciiParams",
  ]) {
    if (!ifd.hasTag(name)) continue;
    const value = await ifd.loadValue(name);
    tags[name] = typeof value === "string" ? value : Array.from(value, Number);
  }
  return tags;
}
