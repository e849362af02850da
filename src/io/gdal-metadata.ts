/** GDAL's private TIFF tags: GDAL_NODATA (42113, ASCII) and GDAL_METADATA (42112, XML). */
import type { SampleType } from "./sample-types.js";
import { sampleRange } from "./sample-types.js";

/**
 * Parses GDAL_NODATA text and rounds it to the sample type, so a Float32 DEM whose nodata was written as a decimal
 * that does not round-trip (−3.4028231e38) still matches its pixels. Integer types: only an integral value
 * within the type's range counts (as in GDAL). Returns undefined when the tag does not give a usable value.
 */
export function parseNodata(text: string | undefined, sampleType: SampleType): number | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/\0/g, "").trim().toLowerCase();
  if (clean === "") return undefined;
  const value =
    clean === "nan" || clean === "-nan"
      ? Number.NaN
      : clean.endsWith("inf")
        ? clean.startsWith("-")
          ? -Infinity
          : Infinity
        : Number(clean);
  if (clean !== "nan" && clean !== "-nan" && Number.isNaN(value)) return undefined;
  return roundToSampleType(value, sampleType);
}

/** The nodata value as the pixels of `sampleType` store it, or undefined if no pixel can hold it. */
export function roundToSampleType(value: number, sampleType: SampleType): number | undefined {
  if (sampleType === "Float32") return Math.fround(value);
  if (sampleType === "Float64") return value;
  const rounded = Math.round(value);
  const [min, max] = sampleRange(sampleType);
  if (Math.abs(rounded - value) > 0.01 || rounded < min || rounded > max) return undefined;
  return rounded;
}

/** Per-band items of GDAL_METADATA: name → text, for `sample` (0-based). */
export function bandMetadata(xml: string | undefined, sample: number): Map<string, string> {
  const items = new Map<string, string>();
  if (!xml) return items;
  for (const match of xml.matchAll(/<Item\s+([^>]*)>([\s\S]*?)<\/Item>/g)) {
    const attributes = match[1]!;
    const name = /name="([^"]*)"/.exec(attributes)?.[1];
    const itemSample = /sample="(\d+)"/.exec(attributes)?.[1];
    if (name !== undefined && itemSample !== undefined && Number(itemSample) === sample) {
      items.set(name.toUpperCase(), unescapeXml(match[2]!.trim()));
    }
  }
  return items;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
