/**
 * GDAL VRT mosaics (VRTDataset XML) of GeoTIFF sources: SimpleSource and ComplexSource with source windows
 * (SrcRect/DstRect, nearest neighbour when their sizes differ), source NODATA, ScaleOffset/ScaleRatio, the band's
 * NoDataValue, Offset, Scale and UnitType. A window of the VRT is filled from the sources it overlaps (the window
 * machinery of `window-fill.ts`, as for seamless batch mosaics), opening sources on demand and keeping only a few
 * open, so memory is bounded by the window. The XML is scanned once with indexOf (linear in its length whatever it
 * holds) and its size, element count and source count are bounded before any source is opened.
 *
 * The CRS: the VRT's SRS must be its sources' CRS; the georeferencing is built from the first source's GeoKeys (so
 * user-defined CRSs survive exactly as in a GeoTIFF) with the VRT's GeoTransform.
 */
import { open, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { InputError, type WarningHandler } from "../errors.js";
import { georefFromTags } from "../geo/georef.js";
import type { Georef, GeoTiffTags, GeoTransform } from "../geo/types.js";
import type { DemHandle } from "./dem-handle.js";
import { parseNodata, roundToSampleType } from "./gdal-metadata.js";
import { type SampleType, sampleRange } from "./sample-types.js";
import { type DemSource, describeSource } from "./source.js";
import { type Piece, paintWindow, type Rect } from "./window-fill.js";

/** The largest VRT file read (a mosaic of 100 000 tiles is about 60 MiB of XML). */
const MAX_VRT_BYTES = 64 * 2 ** 20;
/** The most XML elements and sources: a VRT naming millions of sources is refused while it is scanned. */
const MAX_ELEMENTS = 1_000_000;
const MAX_SOURCES = 100_000;
const MAX_DEPTH = 32;
/** Sources kept open at once (the others are reopened when a window needs them again). */
const OPEN_SOURCES = 16;
/** GDAL's raster size limit. */
const MAX_SIZE = 2 ** 31 - 1;

/** What the VRT reader needs of an open GeoTIFF band (the TIFF reader's handle). */
export interface VrtSourceBand {
  readonly width: number;
  readonly height: number;
  readonly sampleType: SampleType;
  readonly georef: Georef;
  readWindow(window: Rect): Promise<Float32Array | Float64Array>;
  close(): Promise<void>;
}

export type OpenTiff<H extends VrtSourceBand> = (
  source: string | URL,
  options: { band: number; warn: WarningHandler },
) => Promise<H>;

/** Whether `source` is a VRT: a `.vrt` name, or bytes starting with `<VRTDataset` (after an XML declaration). */
export async function isVrt(source: DemSource): Promise<boolean> {
  const name = source instanceof URL ? source.pathname : typeof source === "string" ? source : "";
  if (/\.vrt$/i.test(name)) return true;
  let head: string;
  if (source instanceof ArrayBuffer) {
    head = new TextDecoder().decode(new Uint8Array(source, 0, Math.min(source.byteLength, 1024)));
  } else if (typeof source === "string" && !/^https?:\/\//i.test(source)) {
    try {
      const file = await open(source, "r");
      try {
        const buffer = new Uint8Array(1024);
        const { bytesRead } = await file.read(buffer, 0, 1024, 0);
        head = new TextDecoder().decode(buffer.subarray(0, bytesRead));
      } finally {
        await file.close();
      }
    } catch {
      return false;
    }
  } else {
    return false;
  }
  let at = 0;
  if (head.charCodeAt(0) === 0xfeff) at = 1;
  for (;;) {
    while (at < head.length && isSpace(head.charCodeAt(at))) at++;
    if (head.startsWith("<?", at) || head.startsWith("<!--", at)) {
      const end = head.indexOf(head.startsWith("<?", at) ? "?>" : "-->", at);
      if (end === -1) return false;
      at = end + 2;
      continue;
    }
    return head.startsWith("<VRTDataset", at);
  }
}

const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

/**
 * One XML element: its attributes, child elements and text. Attributes are parsed and the child list allocated
 * only when used: a hostile VRT's million elements then cost little memory and no collector time.
 */
class XmlElement {
  children: readonly XmlElement[] = NO_CHILDREN;
  text = "";
  private parsed: Map<string, string> | undefined;

  constructor(
    readonly name: string,
    private readonly attributeText: string,
  ) {}

  get attributes(): Map<string, string> {
    this.parsed ??= parseAttributes(this.attributeText);
    return this.parsed;
  }

  add(element: XmlElement): void {
    if (this.children === NO_CHILDREN) this.children = [];
    (this.children as XmlElement[]).push(element);
  }
}

/**
 * A small XML scanner: elements, attributes, text, comments, CDATA and the five entities (and numeric ones). Each
 * step moves forward with indexOf, so the work is linear in the text; nesting and element count are bounded.
 */
function parseXml(xml: string, fail: (what: string) => never): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let at = 0;
  const addText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top && text) top.text += text;
  };
  for (;;) {
    const lt = xml.indexOf("<", at);
    if (lt === -1) {
      addText(unescapeXml(xml.slice(at)));
      break;
    }
    addText(unescapeXml(xml.slice(at, lt)));
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end === -1) fail("an unterminated XML comment");
      at = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end === -1) fail("an unterminated CDATA section");
      addText(xml.slice(lt + 9, end));
      at = end + 3;
    } else if (xml.startsWith("<!DOCTYPE", lt)) {
      fail("a DOCTYPE (not part of a VRT)");
    } else if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end === -1) fail("an unterminated XML declaration");
      at = end + 2;
    } else if (xml.startsWith("</", lt)) {
      const end = xml.indexOf(">", lt + 2);
      if (end === -1) fail("an unterminated end tag");
      const name = xml.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`malformed XML: </${name.slice(0, 40)}> closes nothing open`);
      at = end + 1;
    } else {
      const end = xml.indexOf(">", lt + 1);
      if (end === -1) fail("an unterminated start tag");
      const selfClosing = xml.charCodeAt(end - 1) === 0x2f;
      const body = xml.slice(lt + 1, selfClosing ? end - 1 : end);
      let nameEnd = 0;
      while (nameEnd < body.length && !isSpace(body.charCodeAt(nameEnd))) nameEnd++;
      const element = new XmlElement(body.slice(0, nameEnd), body.slice(nameEnd));
      if (++elements > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} XML elements`);
      const parent = stack[stack.length - 1];
      if (parent) parent.add(element);
      else if (root) fail("more than one root element");
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > MAX_DEPTH) fail(`XML nested more than ${MAX_DEPTH} deep`);
      }
      at = end + 1;
    }
  }
  if (!root) fail("no XML element");
  if (stack.length > 0) fail(`malformed XML: <${stack[stack.length - 1]!.name.slice(0, 40)}> is not closed`);
  return root;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** `name="value"` pairs, scanned once from left to right. */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq === -1) break;
    const name = text.slice(i, eq).trim();
    let q = eq + 1;
    while (q < text.length && isSpace(text.charCodeAt(q))) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") break;
    const end = text.indexOf(quote, q + 1);
    if (end === -1) break;
    if (name && !attributes.has(name)) attributes.set(name, unescapeXml(text.slice(q + 1, end)));
    i = end + 1;
  }
  return attributes;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Entities in one pass (each `&…;` is at most a few characters: no backtracking). */
function unescapeXml(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, entity: string) => {
    if (entity.startsWith("#x"))
      return String.fromCodePoint(Math.min(Number.parseInt(entity.slice(2), 16), 0x10ffff));
    if (entity.startsWith("#")) return String.fromCodePoint(Math.min(Number(entity.slice(1)), 0x10ffff));
    return ENTITIES[entity] ?? whole;
  });
}

const child = (e: XmlElement, name: string) => e.children.find((c) => c.name === name);

/** GDAL's data type names that a DEM band can have. */
const DATA_TYPES: Record<string, SampleType> = {
  Byte: "UInt8",
  Int8: "Int8",
  UInt16: "UInt16",
  Int16: "Int16",
  UInt32: "UInt32",
  Int32: "Int32",
  Float32: "Float32",
  Float64: "Float64",
};

/** Elements of a band that give its pixels in ways demgrad does not read. */
const UNSUPPORTED_BAND_CHILDREN: Record<string, string> = {
  KernelFilteredSource: "KernelFilteredSource",
  AveragedSource: "AveragedSource",
  NoDataFromMaskSource: "NoDataFromMaskSource",
  ArraySource: "ArraySource",
  PixelFunctionType: "pixel functions",
  PixelFunctionCode: "pixel functions",
};

/** ComplexSource elements that change values beyond a linear scale. */
const UNSUPPORTED_SOURCE_CHILDREN = [
  "LUT",
  "ColorTableComponent",
  "Exponent",
  "SrcMin",
  "SrcMax",
  "DstMin",
  "DstMax",
];

interface SourceSpec {
  /** The path or URL to open, and its name in messages (as the VRT writes it). */
  location: string | URL;
  name: string;
  band: number;
  srcRect: Rect | undefined;
  dstRect: Rect;
  /** ComplexSource NODATA text: source pixels equal to it leave the VRT's pixel as it was. */
  nodataText: string | undefined;
  scaleRatio: number;
  scaleOffset: number;
}

interface VrtBand {
  sampleType: SampleType;
  nodataText: string | undefined;
  scale: number;
  offset: number;
  unit: string | undefined;
  sources: SourceSpec[];
}

interface VrtDocument {
  width: number;
  height: number;
  srs: string | undefined;
  geoTransform: GeoTransform | undefined;
  bandCount: number;
  band: VrtBand;
}

/** Reads the VRT's structure for `band`, refusing what the reader does not support with one line naming it. */
function readDocument(
  root: XmlElement,
  band: number,
  base: { dir?: string; url?: URL },
  fail: (what: string) => never,
): VrtDocument {
  const unsupported = (what: string): never => fail(`unsupported VRT: ${what}`);
  if (root.name !== "VRTDataset") fail(`not a VRT: the root element is <${root.name.slice(0, 40)}>`);
  const subClass = root.attributes.get("subClass") ?? root.attributes.get("subclass");
  if (subClass) unsupported(subClass === "VRTWarpedDataset" ? "warped VRT (VRTWarpedDataset)" : subClass);
  const width = Number(root.attributes.get("rasterXSize"));
  const height = Number(root.attributes.get("rasterYSize"));
  for (const [name, value] of [
    ["rasterXSize", width],
    ["rasterYSize", height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE) {
      fail(
        `${name} ${root.attributes.get(name)?.slice(0, 20) ?? "(missing)"} is not a size from 1 to ${MAX_SIZE}`,
      );
    }
  }
  const bands = root.children.filter((c) => c.name === "VRTRasterBand");
  if (bands.length === 0) fail("no VRTRasterBand");
  if (band > bands.length) {
    fail(`band ${band} requested but the VRT has ${bands.length} band${bands.length === 1 ? "" : "s"}`);
  }
  const element = bands.find((b) => Number(b.attributes.get("band")) === band) ?? bands[band - 1]!;
  const bandClass = element.attributes.get("subClass") ?? element.attributes.get("subclass");
  if (bandClass === "VRTDerivedRasterBand") unsupported("pixel functions (VRTDerivedRasterBand)");
  if (bandClass && bandClass !== "VRTSourcedRasterBand") unsupported(bandClass);
  const typeName = element.attributes.get("dataType") ?? "Byte";
  const sampleType = DATA_TYPES[typeName] ?? unsupported(`band data type ${typeName.slice(0, 20)}`);
  const numberOf = (name: string, fallback: number) => {
    const e = child(element, name);
    if (!e) return fallback;
    const value = Number(e.text.trim());
    if (e.text.trim() === "" || !Number.isFinite(value))
      fail(`band ${name} "${e.text.trim().slice(0, 30)}" is not a number`);
    return value;
  };
  const sources: SourceSpec[] = [];
  for (const c of element.children) {
    const refused = UNSUPPORTED_BAND_CHILDREN[c.name];
    if (refused) unsupported(refused);
    if (c.name !== "SimpleSource" && c.name !== "ComplexSource") continue;
    if (sources.length === MAX_SOURCES) fail(`more than ${MAX_SOURCES} sources`);
    sources.push(readSource(c, width, height, base, fail));
  }
  return {
    width,
    height,
    srs: child(root, "SRS")?.text.trim() || undefined,
    geoTransform: readGeoTransform(child(root, "GeoTransform"), fail),
    bandCount: bands.length,
    band: {
      sampleType,
      nodataText: child(element, "NoDataValue")?.text,
      scale: numberOf("Scale", 1),
      offset: numberOf("Offset", 0),
      unit: child(element, "UnitType")?.text.trim() || undefined,
      sources,
    },
  };
}

function readGeoTransform(
  e: XmlElement | undefined,
  fail: (what: string) => never,
): GeoTransform | undefined {
  if (!e) return undefined;
  const values = e.text.split(",").map((v) => Number(v.trim()));
  if (values.length !== 6 || !values.every(Number.isFinite)) {
    fail(`GeoTransform "${e.text.trim().slice(0, 60)}" is not six numbers`);
  }
  return values as GeoTransform;
}

function readSource(
  e: XmlElement,
  width: number,
  height: number,
  base: { dir?: string; url?: URL },
  fail: (what: string) => never,
): SourceSpec {
  const unsupported = (what: string): never => fail(`unsupported VRT: ${what}`);
  const complex = e.name === "ComplexSource";
  if (complex) {
    const refused = e.children.find((c) => UNSUPPORTED_SOURCE_CHILDREN.includes(c.name));
    if (refused) unsupported(`ComplexSource <${refused.name}>`);
    const mask = child(e, "UseMaskBand")?.text.trim().toLowerCase();
    if (mask === "true" || mask === "1" || mask === "yes") unsupported("UseMaskBand");
  }
  const fileElement = child(e, "SourceFilename");
  const name = fileElement?.text.trim() ?? "";
  if (!name) fail(`a ${e.name} without SourceFilename`);
  if (name.startsWith("/vsi")) unsupported(`GDAL virtual file ${name.slice(0, 60)}`);
  const relative = fileElement!.attributes.get("relativeToVRT") === "1";
  let location: string | URL;
  if (base.url) location = new URL(name, base.url);
  else if (relative && !isAbsolute(name)) {
    if (base.dir === undefined) fail(`source ${name.slice(0, 60)} is relative to a VRT read from memory`);
    location = resolve(base.dir, name);
  } else location = name;
  const bandText = child(e, "SourceBand")?.text.trim() ?? "1";
  const band = Number(bandText);
  if (!Number.isInteger(band) || band < 1) unsupported(`SourceBand ${bandText.slice(0, 20)}`);
  const rect = (tag: string) => {
    const r = child(e, tag);
    if (!r) return undefined;
    const [x, y, w, h] = ["xOff", "yOff", "xSize", "ySize"].map((k) => Number(r.attributes.get(k)));
    if (![x, y, w, h].every((v) => Number.isInteger(v) && Math.abs(v!) <= MAX_SIZE) || w! < 1 || h! < 1) {
      unsupported(`${tag} with fractional, missing or empty values in source ${name.slice(0, 60)}`);
    }
    return { x: x!, y: y!, width: w!, height: h! };
  };
  const srcRect = rect("SrcRect");
  const dstRect = rect("DstRect") ?? { x: 0, y: 0, width, height };
  const resampling = e.attributes.get("resampling");
  if (
    srcRect &&
    (srcRect.width !== dstRect.width || srcRect.height !== dstRect.height) &&
    resampling !== undefined &&
    !/^(nearest|near)$/i.test(resampling)
  ) {
    unsupported(
      `resampling "${resampling.slice(0, 20)}" (only nearest when SrcRect and DstRect sizes differ)`,
    );
  }
  const number = (tag: string, fallback: number) => {
    const c = child(e, tag);
    if (!c) return fallback;
    const value = Number(c.text.trim());
    if (c.text.trim() === "" || !Number.isFinite(value))
      fail(`${tag} "${c.text.trim().slice(0, 30)}" is not a number`);
    return value;
  };
  return {
    location,
    name,
    band,
    srcRect,
    dstRect,
    nodataText: complex ? child(e, "NODATA")?.text : undefined,
    scaleRatio: complex ? number("ScaleRatio", 1) : 1,
    scaleOffset: complex ? number("ScaleOffset", 0) : 0,
  };
}

/**
 * The EPSG code of the top-level CRS of a WKT (its last AUTHORITY or ID), or of an `EPSG:n` string. Scanned once,
 * tracking brackets and quotes.
 */
export function topLevelEpsg(srs: string): number | undefined {
  const plain = /^\s*EPSG:(\d{1,9})\s*$/i.exec(srs);
  if (plain) return Number(plain[1]);
  let depth = 0;
  let quoted = false;
  let code: number | undefined;
  let word = 0;
  for (let i = 0; i < srs.length; i++) {
    const c = srs[i]!;
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === "[" || c === "(") {
      const keyword = srs.slice(word, i).trim().toUpperCase();
      if (depth === 1 && (keyword === "AUTHORITY" || keyword === "ID")) {
        const end = srs.indexOf("]", i);
        const parts = srs.slice(i + 1, end === -1 ? srs.length : end).split(",");
        if (parts[0]?.replace(/"/g, "").trim().toUpperCase() === "EPSG") {
          const value = Number(parts[1]?.replace(/"/g, "").trim());
          code = Number.isInteger(value) ? value : undefined;
        }
      }
      depth++;
      word = i + 1;
    } else if (c === "]" || c === ")") {
      depth--;
      word = i + 1;
    } else if (c === ",") {
      word = i + 1;
    }
  }
  return code;
}

/** Whether two georeferencings name the same CRS. */
const sameCrs = (a: Georef, b: Georef) => a.crs.epsg === b.crs.epsg && a.crs.proj4 === b.crs.proj4;

/** A value as a band of `type` stores it: integers rounded half away from zero and clamped, NaN as 0 (GDAL's copy). */
function toSampleType(value: number, type: SampleType): number {
  if (type === "Float64") return value;
  if (type === "Float32") return Math.fround(value);
  if (value !== value) return 0;
  const [min, max] = sampleRange(type);
  const rounded = value < 0 ? Math.ceil(value - 0.5) : Math.floor(value + 0.5);
  return rounded < min ? min : rounded > max ? max : rounded;
}

/**
 * Opens a VRT: reads and checks its XML, opens its first source for the CRS, and returns a handle whose reads fill
 * windows from the sources they overlap. `openTiff` opens one GeoTIFF source band (the TIFF reader: a VRT's
 * sources are GeoTIFFs, never VRTs, so a VRT naming itself cannot loop).
 */
export async function openVrt<H extends VrtSourceBand>(
  source: DemSource,
  options: { band?: number; nodata?: number; warn?: WarningHandler },
  openTiff: OpenTiff<H>,
): Promise<DemHandle> {
  const file = describeSource(source);
  const warn = options.warn ?? (() => {});
  const fail = (what: string): never => {
    throw new InputError(what, { file, code: what.startsWith("unsupported") ? "UNSUPPORTED" : "INPUT" });
  };
  const xml = await readVrtText(source, file, fail);
  const base =
    source instanceof URL || /^https?:\/\//i.test(file)
      ? { url: new URL(file) }
      : typeof source === "string"
        ? { dir: dirname(resolve(source)) }
        : {};
  const requested = options.band ?? 1;
  const doc = readDocument(parseXml(xml, fail), requested, base, fail);
  const { width, height, band } = doc;
  const { sampleType, sources } = band;

  // Bounded work: a raster far larger than what its sources cover would be mostly fill (a hostile size).
  let covered = 0;
  for (const s of sources) {
    const x0 = Math.max(0, s.dstRect.x);
    const y0 = Math.max(0, s.dstRect.y);
    const x1 = Math.min(width, s.dstRect.x + s.dstRect.width);
    const y1 = Math.min(height, s.dstRect.y + s.dstRect.height);
    if (x1 > x0 && y1 > y0) covered += (x1 - x0) * (y1 - y0);
  }
  if (width * height > 2 ** 24 && covered * 16 < width * height) {
    fail(`the sources cover less than 1/16 of the ${width}×${height} raster`);
  }
  if (sources.length === 0) fail("the band has no sources");

  let nodata: number | undefined;
  if (options.nodata !== undefined) {
    nodata = roundToSampleType(options.nodata, sampleType);
    if (nodata === undefined) warn(`nodata ${options.nodata} cannot occur in ${sampleType} data; ignored`);
  } else {
    nodata = parseNodata(band.nodataText, sampleType);
  }
  // Cells no source covers hold the band's own NoDataValue (not an override given as an option), else 0, as in GDAL.
  const fill = parseNodata(band.nodataText, sampleType) ?? 0;

  // Sources opened on demand, the most recently used kept open.
  const open = new Map<number, H>();
  let reference: Georef | undefined;
  const sourceError = (s: SourceSpec, error: unknown) => {
    const e = error as { message?: string; code?: string };
    return new InputError(`source ${s.name}: ${e.message ?? String(error)}`, {
      file,
      code: e.code === "UNSUPPORTED" ? "UNSUPPORTED" : "INPUT",
      cause: error,
    });
  };
  const openSourceBand = async (index: number): Promise<H> => {
    const cached = open.get(index);
    if (cached) {
      open.delete(index);
      open.set(index, cached);
      return cached;
    }
    const s = sources[index]!;
    let handle: H;
    try {
      handle = await openTiff(s.location, { band: s.band, warn: () => {} });
    } catch (error) {
      const text = (error as Error).message ?? "";
      if (text === "not a TIFF file" && (await isVrt(s.location))) {
        throw new InputError(`source ${s.name}: unsupported VRT: a VRT source (nested VRTs)`, {
          file,
          code: "UNSUPPORTED",
        });
      }
      throw sourceError(s, error);
    }
    if (reference && !sameCrs(reference, handle.georef)) {
      await handle.close();
      throw new InputError(`source ${s.name}: its CRS is not the first source's`, { file });
    }
    open.set(index, handle);
    if (open.size > OPEN_SOURCES) {
      const [oldest, evicted] = open.entries().next().value as [number, H];
      open.delete(oldest);
      await evicted.close();
    }
    return handle;
  };

  const closeAll = async () => {
    const handles = [...open.values()];
    open.clear();
    await Promise.all(handles.map((h) => h.close().catch(() => {})));
  };

  let georef: Georef;
  try {
    const first = await openSourceBand(0);
    reference = first.georef;
    georef = vrtGeoref(doc, first.georef, sources[0]!.name, warn, fail);
  } catch (error) {
    await closeAll();
    throw error;
  }

  const pieces: Piece[] = sources.map((s, index) => ({
    rect: s.dstRect,
    async paint(region, out, target) {
      const h = await openSourceBand(index);
      const read = (window: Rect) =>
        h.readWindow(window).catch((error: unknown) => {
          throw sourceError(s, error);
        });
      const src = s.srcRect ?? { x: 0, y: 0, width: h.width, height: h.height };
      const dst = s.dstRect;
      // Nearest neighbour: the source pixel under each target pixel's centre (the identity for equal sizes).
      const map = (
        i: number,
        dstStart: number,
        dstSize: number,
        srcStart: number,
        srcSize: number,
        limit: number,
      ) => {
        const p = srcStart + Math.floor(((i - dstStart + 0.5) * srcSize) / dstSize);
        return p >= 0 && p < limit && p >= srcStart && p < srcStart + srcSize ? p : -1;
      };
      const cols = new Int32Array(region.width);
      let c0 = Number.POSITIVE_INFINITY;
      let c1 = -1;
      for (let i = 0; i < region.width; i++) {
        const p = map(region.x + i, dst.x, dst.width, src.x, src.width, h.width);
        cols[i] = p;
        if (p >= 0) {
          c0 = Math.min(c0, p);
          c1 = Math.max(c1, p);
        }
      }
      if (c1 < 0) return;
      const rows = new Int32Array(region.height);
      let r0 = Number.POSITIVE_INFINITY;
      let r1 = -1;
      let validRows = 0;
      for (let r = 0; r < region.height; r++) {
        const p = map(region.y + r, dst.y, dst.height, src.y, src.height, h.height);
        rows[r] = p;
        if (p >= 0) {
          r0 = Math.min(r0, p);
          r1 = Math.max(r1, p);
          validRows++;
        }
      }
      if (r1 < 0) return;
      let nodataValue: number | undefined;
      if (s.nodataText !== undefined) {
        nodataValue = parseNodata(s.nodataText, "Float64");
        if (nodataValue !== undefined)
          nodataValue = roundToSampleType(nodataValue, h.sampleType) ?? nodataValue;
      }
      const masked = nodataValue !== undefined;
      const nodataIsNaN = nodataValue !== undefined && Number.isNaN(nodataValue);
      const { scaleRatio, scaleOffset } = s;
      const scaled = scaleRatio !== 1 || scaleOffset !== 0;
      // One read of the rows spanned when they are contiguous (equal sizes, upsampling), else one per row.
      const contiguous = r1 - r0 + 1 <= 2 * validRows;
      const span = contiguous
        ? await read({ x: c0, y: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 })
        : undefined;
      const spanWidth = c1 - c0 + 1;
      for (let r = 0; r < region.height; r++) {
        const sr = rows[r]!;
        if (sr < 0) continue;
        const line = span ?? (await read({ x: c0, y: sr, width: spanWidth, height: 1 }));
        const lineStart = span ? (sr - r0) * spanWidth : 0;
        const outStart = (region.y + r - target.y) * target.width + (region.x - target.x);
        for (let i = 0; i < region.width; i++) {
          const sc = cols[i]!;
          if (sc < 0) continue;
          let v = line[lineStart + sc - c0]!;
          if (masked && (v === nodataValue || (nodataIsNaN && v !== v))) continue;
          if (scaled) v = v * scaleRatio + scaleOffset;
          out[outStart + i] = toSampleType(v, sampleType);
        }
      }
    },
  }));

  // Reads one window at a time: sources evicted by one read are never in use by another.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };
  const checkWindow = ({ x, y, width: w, height: h }: Rect) => {
    const whole = [x, y, w, h].every((n) => Number.isInteger(n) && n >= 0);
    if (!whole || x + w > width || y + h > height) {
      throw new InputError(`window x=${x} y=${y} ${w}×${h} is not inside the ${width}×${height} raster`, {
        file,
      });
    }
  };
  /** The VRT's stored values of `window` (its band's data type; nodata kept). */
  const stored = async (window: Rect, out: Float64Array) => {
    checkWindow(window);
    out.fill(fill, 0, window.width * window.height);
    try {
      await paintWindow(window, pieces, out);
    } catch (error) {
      if (error instanceof InputError && error.file === file) throw error;
      throw new InputError((error as Error).message, { file, cause: error });
    }
  };
  const { scale, offset } = band;
  const nodataKey = nodata ?? Number.NaN;

  return {
    source: file,
    width,
    height,
    bandCount: doc.bandCount,
    band: requested,
    sampleType,
    nodata,
    scale,
    offset,
    bandUnit: band.unit,
    georef,
    layout: {
      tiled: true,
      blockWidth: Math.min(128, width),
      blockHeight: Math.min(128, height),
      compression: `VRT of ${sources.length} source${sources.length === 1 ? "" : "s"}`,
      bigTiff: false,
    },
    readRows(firstRow, rowCount, out) {
      return serial(async () => {
        const n = rowCount * width;
        const result = out ?? new Float64Array(n);
        if (result.length < n) {
          throw new InputError(`readRows: the output array holds ${result.length} values, ${n} are needed`, {
            file,
          });
        }
        await stored({ x: 0, y: firstRow, width, height: rowCount }, result);
        for (let i = 0; i < n; i++) {
          const v = result[i]!;
          result[i] = v === nodataKey ? Number.NaN : v * scale + offset;
        }
        return result;
      });
    },
    readWindow(window) {
      return serial(async () => {
        const values = new Float64Array(window.width * window.height);
        await stored(window, values);
        return sampleType === "Float64" || sampleType === "Int32" || sampleType === "UInt32"
          ? values
          : Float32Array.from(values);
      });
    },
    close: () => serial(closeAll),
  };
}

/** The VRT text, its size bounded before it is read. */
async function readVrtText(source: DemSource, file: string, fail: (what: string) => never): Promise<string> {
  const tooLarge = (size: number) => fail(`VRT of ${size} bytes (at most ${MAX_VRT_BYTES})`);
  if (source instanceof ArrayBuffer) {
    if (source.byteLength > MAX_VRT_BYTES) tooLarge(source.byteLength);
    return new TextDecoder().decode(source);
  }
  if (source instanceof URL || /^https?:\/\//i.test(file)) {
    const response = await fetch(file).catch((error: unknown) =>
      fail(`cannot connect: ${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}`),
    );
    if (!response.ok) fail(`HTTP ${response.status} ${response.statusText}`.trim());
    const length = Number(response.headers.get("content-length"));
    if (length > MAX_VRT_BYTES) tooLarge(length);
    const text = await response.text();
    if (text.length > MAX_VRT_BYTES) tooLarge(text.length);
    return text;
  }
  const info = await stat(source);
  if (!info.isFile()) fail("not a regular file");
  if (info.size > MAX_VRT_BYTES) tooLarge(info.size);
  return readFile(source, "utf8");
}

/**
 * The VRT's georeferencing: the first source's GeoKeys (its CRS exactly as a GeoTIFF gives it) with the VRT's size,
 * GeoTransform and band unit. The VRT's SRS must be that CRS: an EPSG code different from the source's is refused.
 */
function vrtGeoref(
  doc: VrtDocument,
  first: Georef,
  firstName: string,
  warn: WarningHandler,
  fail: (what: string) => never,
): Georef {
  const vrtEpsg = doc.srs === undefined ? undefined : topLevelEpsg(doc.srs);
  const sourceEpsg = first.crs.epsg;
  if (doc.srs === undefined) {
    warn(`the VRT has no SRS; using the CRS of its first source ${firstName}`);
  } else if (vrtEpsg !== undefined && sourceEpsg !== undefined && vrtEpsg !== sourceEpsg) {
    fail(`its SRS (EPSG:${vrtEpsg}) is not the CRS of its sources (EPSG:${sourceEpsg})`);
  } else if ((vrtEpsg === undefined) !== (sourceEpsg === undefined)) {
    warn(`cannot check the VRT's SRS against ${firstName}'s CRS (one has no EPSG code); using the source's`);
  }
  const { ModelPixelScale: _s, ModelTiepoint: _t, ModelTransformation: _m, ...keys } = first.tags;
  const tags: GeoTiffTags = keys;
  const georef = georefFromTags(
    tags,
    { width: doc.width, height: doc.height, bandUnit: doc.band.unit },
    warn,
  );
  return { ...georef, geoTransform: doc.geoTransform };
}
