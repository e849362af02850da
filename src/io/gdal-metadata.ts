/** GDAL's private TIFF tags, read and written: GDAL_NODATA (42113, ASCII) and GDAL_METADATA (42112, XML). */
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
 * A number as GDAL's CPLAtofM reads metadata: the longest numeric prefix, with a comma or a point as the decimal
 * separator (whichever comes first: files written under a comma locale hold `0,43`). Undefined if there is none.
 *
 * @example
 * ```ts
 * metadataNumber("76,773635864258"); // 76.773635864258
 * metadataNumber("1520");            // 1520
 * ```
 */
export function metadataNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const separator = /[.,]/.exec(trimmed)?.[0];
  const clean = separator === "," ? trimmed.replace(",", ".") : trimmed;
  const prefix = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(clean)?.[0];
  return prefix === undefined ? undefined : Number(prefix);
}

/**
 * The band's stored statistics (STATISTICS_MINIMUM and _MAXIMUM items of GDAL_METADATA), which GDAL's
 * GetMinimum/GetMaximum return before computing any, or undefined without both.
 *
 * @example
 * ```ts
 * bandStatistics(xml, 0); // { min: 1520, max: 1826 }
 * ```
 */
export function bandStatistics(
  xml: string | undefined,
  sample: number,
): { min: number; max: number } | undefined {
  const items = bandMetadata(xml, sample);
  const min = metadataNumber(items.get("STATISTICS_MINIMUM") ?? "");
  const max = metadataNumber(items.get("STATISTICS_MAXIMUM") ?? "");
  return min !== undefined && max !== undefined && Number.isFinite(min) && Number.isFinite(max) && min <= max
    ? { min, max }
    : undefined;
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
  // A plain scan with indexOf: linear in the text whatever it holds (regular expressions over hostile text can
  // backtrack for seconds).
  let at = 0;
  for (;;) {
    const start = xml.indexOf("<Item", at);
    if (start === -1) break;
    const afterName = xml.charCodeAt(start + 5);
    at = start + 5;
    // "<Items…" or "<ItemX…" is another element.
    if (!(afterName === 0x2f || afterName === 0x3e || isSpace(afterName))) continue;
    const tagEnd = xml.indexOf(">", start + 5);
    if (tagEnd === -1) break;
    const selfClosing = xml.charCodeAt(tagEnd - 1) === 0x2f;
    const attributes = parseAttributes(xml.slice(start + 5, selfClosing ? tagEnd - 1 : tagEnd));
    let text = "";
    if (selfClosing) {
      at = tagEnd + 1;
    } else {
      const close = xml.indexOf("</Item>", tagEnd + 1);
      if (close === -1) break;
      text = xml.slice(tagEnd + 1, close);
      at = close + 7;
    }
    const key = attributes.get("role") ?? attributes.get("name");
    const itemSample = attributes.get("sample");
    if (key !== undefined && itemSample !== undefined && Number(itemSample) === sample) {
      // GDAL escapes item text twice (the value, then the XML), and unescapes it twice when reading.
      items.set(key.toUpperCase(), unescapeXml(unescapeXml(text.trim())));
    }
  }
  return items;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** `name="value"` (or single quotes) pairs of a start tag, scanned once from left to right. */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < n && text[i] !== "=" && !isSpace(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i);
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== "=") {
      i++;
      continue;
    }
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    const end = text.indexOf(quote, i + 1);
    if (end === -1) break;
    if (name && !attributes.has(name)) attributes.set(name, text.slice(i + 1, end));
    i = end + 1;
  }
  return attributes;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * GDAL_NODATA text as GDAL writes it ("-9999", "0", "nan", "inf"); other numbers in the shortest form that reads
 * back to the same double.
 *
 * @example
 * ```ts
 * nodataText(Number.NaN); // "nan"
 * ```
 */
export function nodataText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

/**
 * GDAL_METADATA XML with each band's description and unit (GDAL shows them as the band description and
 * `unit`), or undefined when there are none.
 *
 * @example
 * ```ts
 * gdalMetadataXml(["slope"], ["degree"]);
 * // <GDALMetadata>
 * //   <Item name="DESCRIPTION" sample="0" role="description">slope</Item>
 * //   <Item name="UNITTYPE" sample="0" role="unittype">degree</Item>
 * // </GDALMetadata>
 * ```
 */
export function gdalMetadataXml(descriptions: string[] = [], units: string[] = []): string | undefined {
  // GDAL escapes item text twice (the value, then the XML) and unescapes it twice when reading: so do we.
  const text = (s: string) => escapeXml(escapeXml(s));
  const items: string[] = [];
  descriptions.forEach((d, i) => {
    if (d) items.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${text(d)}</Item>`);
  });
  units.forEach((u, i) => {
    if (u) items.push(`  <Item name="UNITTYPE" sample="${i}" role="unittype">${text(u)}</Item>`);
  });
  return items.length ? `<GDALMetadata>\n${items.join("\n")}\n</GDALMetadata>\n` : undefined;
}

/**
 * Text made safe for GDAL's XML (GDAL_METADATA, PAM sidecars).
 *
 * @example
 * ```ts
 * escapeXml("m < 5 & up"); // "m &lt; 5 &amp; up"
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
