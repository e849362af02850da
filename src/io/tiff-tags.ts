/** The tags of an output GeoTIFF: layout, georeferencing copied from the source, and GDAL's private tags. */
import { transformTags } from "../geo/georef.js";
import type { Georef } from "../geo/types.js";
import { gdalMetadataXml, nodataText } from "./gdal-metadata.js";
import { COMPRESSION_CODE, type Codec, type Predictor } from "./tiff-compress.js";
import { FieldType, type TiffField } from "./tiff-directory.js";

/** What the image file directory describes. */
export interface TiffLayout {
  width: number;
  height: number;
  bands: number;
  tileSize: number;
  bitsPerSample: number;
  /** TIFF SampleFormat: 1 unsigned integer, 2 signed integer, 3 floating point. */
  sampleFormat: 1 | 2 | 3;
  codec: Codec;
  predictor: Predictor;
  bigTiff: boolean;
  /** How the bands are shown (default grey): RGB(A) images set PhotometricInterpretation RGB, alpha as an extra sample. */
  colour?: Colour | undefined;
  /** A reduced-resolution image (an overview): NewSubfileType 1, and only the fields readers need for pixels. */
  overview?: boolean | undefined;
}

/** Colour interpretation of an output's bands: grey bands, or red, green, blue (then alpha) first. */
export type Colour = "grey" | "rgb" | "rgba";

/**
 * Every field of the output's directory (unsorted; `encodeDirectory` sorts them).
 *
 * @example
 * ```ts
 * const fields = imageFields(layout, offsets, byteCounts, { georef, nodata: -9999, units: ["degree"] });
 * ```
 */
export function imageFields(
  layout: TiffLayout,
  tileOffsets: number[],
  tileByteCounts: number[],
  extra: {
    georef?: Georef | undefined;
    nodata?: number | undefined;
    descriptions?: string[];
    units?: string[];
  },
): TiffField[] {
  const { bands } = layout;
  const colour = layout.colour ?? "grey";
  const offsetType = layout.bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const fields: TiffField[] = [
    { tag: 256, type: FieldType.LONG, values: [layout.width] },
    { tag: 257, type: FieldType.LONG, values: [layout.height] },
    { tag: 258, type: FieldType.SHORT, values: Array(bands).fill(layout.bitsPerSample) },
    { tag: 259, type: FieldType.SHORT, values: [COMPRESSION_CODE[layout.codec]] },
    { tag: 262, type: FieldType.SHORT, values: [colour === "grey" ? 1 : 2] }, // BlackIsZero or RGB
    { tag: 277, type: FieldType.SHORT, values: [bands] },
    // Band-separate tiles (PlanarConfiguration 2) keep each band's tile row independent while streaming.
    { tag: 284, type: FieldType.SHORT, values: [bands > 1 ? 2 : 1] },
    { tag: 322, type: FieldType.LONG, values: [layout.tileSize] },
    { tag: 323, type: FieldType.LONG, values: [layout.tileSize] },
    { tag: 324, type: offsetType, values: tileOffsets },
    { tag: 325, type: offsetType, values: tileByteCounts },
    { tag: 339, type: FieldType.SHORT, values: Array(bands).fill(layout.sampleFormat) },
  ];
  if (layout.overview) fields.push({ tag: 254, type: FieldType.LONG, values: [1] });
  else fields.push(...georeferencingFields(extra.georef));
  if (layout.predictor !== 1) fields.push({ tag: 317, type: FieldType.SHORT, values: [layout.predictor] });
  // Bands beyond the colour ones are "unspecified" extra samples, as GDAL writes them; RGBA's alpha is
  // unassociated (2), as GDAL writes for PHOTOMETRIC=RGB ALPHA=YES.
  const colourBands = colour === "grey" ? 1 : 3;
  if (bands > colourBands) {
    const extraSamples = Array(bands - colourBands).fill(0);
    if (colour === "rgba") extraSamples[0] = 2;
    fields.push({ tag: 338, type: FieldType.SHORT, values: extraSamples });
  }
  const metadata = layout.overview ? undefined : gdalMetadataXml(extra.descriptions, extra.units);
  if (metadata) fields.push({ tag: 42112, type: FieldType.ASCII, values: metadata });
  if (extra.nodata !== undefined)
    fields.push({ tag: 42113, type: FieldType.ASCII, values: nodataText(extra.nodata) });
  return fields;
}

/**
 * Georeferencing fields. The GeoKeys and their parameters are copied verbatim (user-defined CRSs survive). The
 * raster-to-model transform comes from the geotransform when there is one — the output may be a window of the
 * source — written as scale + tiepoint when axis-aligned, else as a ModelTransformation; with PixelIsPoint the
 * tiepoint is the centre of the first pixel, as the GeoTIFF spec says. Without a geotransform the source's
 * transform tags are copied as they are.
 */
function georeferencingFields(georef: Georef | undefined): TiffField[] {
  if (!georef) return [];
  const { tags, geoTransform: gt } = georef;
  const fields: TiffField[] = [];
  const transform = gt ? transformTags(gt, pixelIsPoint(tags.GeoKeyDirectory)) : tags;
  if (transform.ModelPixelScale)
    fields.push({ tag: 33550, type: FieldType.DOUBLE, values: transform.ModelPixelScale });
  if (transform.ModelTiepoint)
    fields.push({ tag: 33922, type: FieldType.DOUBLE, values: transform.ModelTiepoint });
  if (transform.ModelTransformation)
    fields.push({ tag: 34264, type: FieldType.DOUBLE, values: transform.ModelTransformation });
  if (tags.GeoKeyDirectory) fields.push({ tag: 34735, type: FieldType.SHORT, values: tags.GeoKeyDirectory });
  if (tags.GeoDoubleParams) fields.push({ tag: 34736, type: FieldType.DOUBLE, values: tags.GeoDoubleParams });
  // The encoder adds the terminating NUL; readers may have kept the source's.
  if (tags.GeoAsciiParams !== undefined)
    fields.push({ tag: 34737, type: FieldType.ASCII, values: tags.GeoAsciiParams.replace(/\0+$/, "") });
  return fields;
}

/** Whether GTRasterTypeGeoKey (1025) says RasterPixelIsPoint (2). */
function pixelIsPoint(keys: number[] | undefined): boolean {
  if (!keys) return false;
  for (let k = 4; k + 3 < keys.length; k += 4)
    if (keys[k] === 1025 && keys[k + 1] === 0) return keys[k + 3] === 2;
  return false;
}
