/** GDAL's private TIFF tags: GDAL_NODATA (42113, ASCII) and GDAL_METADATA (42112, XML). */
import type { SampleType } from "./sample-types.js";
import { sampleRange } from "./sample-types.js";

/**
 * Parses GDAL_NODATA text and rounds it to the sample type, so a Float32 DEM whose nodata was written as a decimal
 * that does not round-trip (−3.4028231e38) still matches its pixels. `nan`, `-nan`, `inf`, `-inf` are accepted.
 * Integer types: only an integral value within the type's range counts. Returns undefined when the tag does not
 * give a usable value.
 *
 * @example
 * ```ts
 * parseNodata("-3.4028231e+38", "Float32"); // Math.fround(-3.4028231e38)
 * parseNodata("nan", "Float32");            // NaN
 * parseNodata("1.5", "Int16");              // undefined
 * ```
 */
export function parseNodata(text: string | undefined, sampleType: SampleType): number | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/\0/g, "").trim().toLowerCase();
  const special: Record<string, number> = {
    nan: Number.NaN,
    "-nan": Number.NaN,
    inf: Infinity,
    "+inf": Infinity,
    "-inf": -Infinity,
    infinity: Infinity,
    "-infinity": -Infinity,
  };
  const value = clean in special ? special[clean]! : clean === "" ? Number.NaN : Number(clean);
  if (Number.isNaN(value) && !(clean in special)) return undefined;
  return roundToSampleType(value, sampleType);
}

/**
 * The nodata value as the pixels of `sampleType` store it, or undefined if no pixel can hold it.
 *
 * @example
 * ```ts
 * roundToSampleType(0.1, "Float32"); // 0.10000000149011612
 * roundToSampleType(70000, "Int16"); // undefined
 * ```
 */
export function roundToSampleType(value: number, sampleType: SampleType): number | undefined {
  if (sampleType === "Float32") return Math.fround(value);
  if (sampleType === "Float64") return value;
  const [min, max] = sampleRange(sampleType);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/**
 * Per-band items of GDAL_METADATA for band `sample` (0-based): upper-cased role (or name when there is no role)
 * → text. GDAL writes a band's scale, offset and unit as
 * `<Item name="SCALE" sample="0" role="scale">0.5</Item>`, `role="offset"`, `role="unittype"`; text such as
 * `m &amp;amp; m` (GDAL's double escape) reads as `m & m`.
 *
 * @example
 * ```ts
 * bandMetadata('<GDALMetadata><Item name="UNITTYPE" sample="0" role="unittype">ft</Item></GDALMetadata>', 0);
 * // Map { "UNITTYPE" => "ft" }
 * ```
 */
export function bandMetadata(xml: string | undefined, sample: number): Map<string, string> {
  const items = new Map<string, string>();
  if (!xml) return items;
  for (const match of xml.matchAll(/<Item\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Item>)/g)) {
    const attributes = match[1]!;
    const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(["'])(.*?)\\1`).exec(attributes)?.[2];
    const key = attribute("role") ?? attribute("name");
    const itemSample = attribute("sample");
    if (key !== undefined && itemSample !== undefined && Number(itemSample) === sample) {
      // GDAL escapes item text twice (the value, then the XML), and unescapes it twice when reading.
      items.set(key.toUpperCase(), unescapeXml(unescapeXml((match[2] ?? "").trim())));
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
