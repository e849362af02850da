/**
 * Reading the first image file directory of a TIFF or BigTIFF, in either byte order. Entries are parsed without
 * their values; every out-of-line value must lie inside the file, and values are loaded only when asked for, so a
 * directory that claims absurd counts is refused from its arithmetic before anything big is allocated.
 */
import { InputError } from "../errors.js";
import type { ByteSource } from "./source.js";

/** Bytes of one value of each TIFF field type (TIFF 6.0 §2, BigTIFF). */
const TYPE_SIZE: Record<number, number> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

/** Names of the tags messages mention. */
export const TAG_NAMES: Record<number, string> = {
  256: "ImageWidth",
  257: "ImageLength",
  258: "BitsPerSample",
  259: "Compression",
  273: "StripOffsets",
  277: "SamplesPerPixel",
  278: "RowsPerStrip",
  279: "StripByteCounts",
  284: "PlanarConfiguration",
  317: "Predictor",
  322: "TileWidth",
  323: "TileLength",
  324: "TileOffsets",
  325: "TileByteCounts",
  339: "SampleFormat",
  33550: "ModelPixelScale",
  33922: "ModelTiepoint",
  34264: "ModelTransformation",
  34735: "GeoKeyDirectory",
  34736: "GeoDoubleParams",
  34737: "GeoAsciiParams",
  42112: "GDAL_METADATA",
  42113: "GDAL_NODATA",
  50674: "LercParameters",
};

/** Directories with more entries than this are corrupt (real ones have a few dozen). */
const MAX_ENTRIES = 4096;
/** Without a known source size, no tag value may be bigger than this. */
const MAX_VALUE_BYTES_UNKNOWN_SIZE = 256 * 2 ** 20;

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Where the value's bytes are in the file. */
  offset: number;
  /** The value's bytes when they fit in the entry. */
  inline: Uint8Array | undefined;
}

function tagName(tag: number): string {
  return TAG_NAMES[tag] ? `${tag} (${TAG_NAMES[tag]})` : String(tag);
}

/**
 * One image file directory: its entries, and their values on demand.
 *
 * @example
 * ```ts
 * const ifd = await TiffDirectory.read(bytes);
 * const width = await ifd.number(256);
 * ```
 */
export class TiffDirectory {
  private constructor(
    private readonly source: ByteSource,
    readonly littleEndian: boolean,
    readonly bigTiff: boolean,
    private readonly entries: Map<number, Entry>,
    /** Where this directory starts, and the next one (0: none). */
    readonly offset: number,
    readonly next: number,
  ) {}

  /**
   * Parses the header and directory `index` of `source` (0: the first; in a COG, k: overview k); refuses entries
   * whose values lie past its end.
   */
  static async read(source: ByteSource, index = 0): Promise<TiffDirectory> {
    const file = source.name;
    const corrupt = (what: string) => new InputError(`corrupt TIFF: ${what}`, { file });
    const head = await source.read(0, Math.min(16, source.size ?? 16));
    const littleEndian = head[0] === 0x49;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const bigTiff = view.getUint16(2, littleEndian) === 43;
    if (bigTiff && (head.length < 16 || view.getUint16(4, littleEndian) !== 8)) {
      throw corrupt("bad BigTIFF header");
    }
    const first = bigTiff ? Number(view.getBigUint64(8, littleEndian)) : view.getUint32(4, littleEndian);
    let directory = await TiffDirectory.readAt(source, first, littleEndian, bigTiff);
    for (let i = 0; i < index; i++) {
      const next = await directory.following();
      if (!next) {
        throw new InputError(`the file has ${i + 1} image${i === 0 ? "" : "s"}: there is no image ${index}`, {
          file,
        });
      }
      directory = next;
    }
    return directory;
  }

  /** The next directory of the file, or undefined after the last (a chain pointing backwards ends too). */
  async following(): Promise<TiffDirectory | undefined> {
    if (this.next <= this.offset) return undefined;
    return TiffDirectory.readAt(this.source, this.next, this.littleEndian, this.bigTiff);
  }

  /** The directory at file offset `first`. */
  private static async readAt(
    source: ByteSource,
    first: number,
    littleEndian: boolean,
    bigTiff: boolean,
  ): Promise<TiffDirectory> {
    const file = source.name;
    const corrupt = (what: string) => new InputError(`corrupt TIFF: ${what}`, { file });
    const size = source.size;
    const countSize = bigTiff ? 8 : 2;
    const entrySize = bigTiff ? 20 : 12;
    const inside = (offset: number, length: number) => size === undefined || offset + length <= size;
    if (first < 8 || !inside(first, countSize))
      throw corrupt("the first directory lies past the end of the file");
    const countBytes = await source.read(first, countSize);
    const countView = new DataView(countBytes.buffer);
    const entryCount = bigTiff
      ? Number(countView.getBigUint64(0, littleEndian))
      : countView.getUint16(0, littleEndian);
    if (entryCount === 0 || entryCount > MAX_ENTRIES) throw corrupt(`a directory of ${entryCount} entries`);
    if (!inside(first + countSize, entryCount * entrySize)) {
      throw new InputError("truncated or corrupt TIFF: the directory lies past the end of the file", {
        file,
      });
    }
    const nextSize = bigTiff ? 8 : 4;
    // The next directory's offset follows the entries (a file cut right after them has none).
    const withNext = inside(first + countSize, entryCount * entrySize + nextSize);
    const table = await source.read(first + countSize, entryCount * entrySize + (withNext ? nextSize : 0));
    const t = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const nextAt = entryCount * entrySize;
    const next = !withNext
      ? 0
      : bigTiff
        ? Number(t.getBigUint64(nextAt, littleEndian))
        : t.getUint32(nextAt, littleEndian);
    const entries = new Map<number, Entry>();
    const inlineSize = bigTiff ? 8 : 4;
    for (let i = 0; i < entryCount; i++) {
      const e = i * entrySize;
      const tag = t.getUint16(e, littleEndian);
      const type = t.getUint16(e + 2, littleEndian);
      const count = bigTiff ? Number(t.getBigUint64(e + 4, littleEndian)) : t.getUint32(e + 4, littleEndian);
      const typeSize = TYPE_SIZE[type];
      // Unknown field types are skipped, as libtiff does; a repeated tag keeps its first entry.
      if (typeSize === undefined || entries.has(tag)) continue;
      const bytes = count * typeSize;
      const valueAt = e + (bigTiff ? 12 : 8);
      if (bytes <= inlineSize) {
        const inline = table.slice(valueAt, valueAt + bytes);
        entries.set(tag, { tag, type, count, offset: first + countSize + valueAt, inline });
        continue;
      }
      const offset = bigTiff
        ? Number(t.getBigUint64(valueAt, littleEndian))
        : t.getUint32(valueAt, littleEndian);
      if (!inside(offset, bytes) || (size === undefined && bytes > MAX_VALUE_BYTES_UNKNOWN_SIZE)) {
        throw new InputError(
          `truncated or corrupt TIFF: the values of tag ${tagName(tag)} lie past the end of the file`,
          { file },
        );
      }
      entries.set(tag, { tag, type, count, offset, inline: undefined });
    }
    return new TiffDirectory(source, littleEndian, bigTiff, entries, first, next);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** How many values tag `tag` has (0 when absent), known without loading them. */
  count(tag: number): number {
    return this.entries.get(tag)?.count ?? 0;
  }

  /** The values of a numeric tag (RATIONALs as quotients), or undefined when absent or not numeric. */
  async numbers(tag: number): Promise<Float64Array | undefined> {
    const entry = this.entries.get(tag);
    if (!entry || entry.type === 2) return undefined;
    const bytes = await this.bytesOf(entry);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = this.littleEndian;
    const out = new Float64Array(entry.count);
    const read = reader(entry.type);
    const size = TYPE_SIZE[entry.type]!;
    for (let i = 0, o = 0; i < out.length; i++, o += size) out[i] = read(view, o, le);
    return out;
  }

  /** The first value of a numeric tag, or `fallback`. */
  async number(tag: number, fallback: number): Promise<number> {
    const values = await this.numbers(tag);
    return values && values.length > 0 ? values[0]! : fallback;
  }

  /** The text of an ASCII tag (Latin-1, trailing NULs removed), or undefined when absent. */
  async text(tag: number): Promise<string | undefined> {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    const bytes = await this.bytesOf(entry);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString("latin1")
      .replace(/\0+$/, "");
  }

  private async bytesOf(entry: Entry): Promise<Uint8Array> {
    if (entry.inline) return entry.inline;
    return this.source.read(entry.offset, entry.count * TYPE_SIZE[entry.type]!);
  }
}

type Reader = (view: DataView, offset: number, littleEndian: boolean) => number;

function reader(type: number): Reader {
  switch (type) {
    case 1:
    case 7:
      return (v, o) => v.getUint8(o);
    case 6:
      return (v, o) => v.getInt8(o);
    case 3:
      return (v, o, le) => v.getUint16(o, le);
    case 8:
      return (v, o, le) => v.getInt16(o, le);
    case 4:
    case 13:
      return (v, o, le) => v.getUint32(o, le);
    case 9:
      return (v, o, le) => v.getInt32(o, le);
    case 5:
      return (v, o, le) => v.getUint32(o, le) / v.getUint32(o + 4, le);
    case 10:
      return (v, o, le) => v.getInt32(o, le) / v.getInt32(o + 4, le);
    case 11:
      return (v, o, le) => v.getFloat32(o, le);
    case 12:
      return (v, o, le) => v.getFloat64(o, le);
    case 17:
      return (v, o, le) => Number(v.getBigInt64(o, le));
    default:
      return (v, o, le) => Number(v.getBigUint64(o, le));
  }
}
