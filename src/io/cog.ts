/**
 * Cloud Optimized GeoTIFF layout (GDAL's COG driver, docs/robustness.md "COG outputs"): the header, GDAL's
 * structural metadata, every IFD (full resolution first, then the overviews), then the tile data — smallest
 * overview first, full resolution last, each level's tiles in TIFF index order, each tile framed by GDAL's block
 * leader (its size) and trailer (its last 4 bytes again).
 *
 * The tiles of every level stream into one scratch file beside the output while the rows arrive; `assembleCog`
 * then writes the directories and copies the tiles into place.
 */
import type { FileHandle } from "node:fs/promises";
import { OutputError } from "../errors.js";
import { type OverviewResampling, RowReducer } from "./overviews.js";
import type { SampleArray } from "./tiff-compress.js";
import { encodeDirectory, encodeHeader, type TiffField } from "./tiff-directory.js";
import { CLASSIC_TIFF_LIMIT, type TileRows, type TileStream } from "./tiff-tile-stream.js";

/**
 * GDAL's "ghost" area after the header, exactly as `gdal_translate -of COG` writes it (GDAL 3.6): it tells readers
 * the IFDs come first, the tiles of a level are in row-major order (band after band for band-separate planes) and
 * framed by a leader and a trailer — all true of our files. A reader may then trust a tile's leader instead of
 * fetching TileByteCounts. KNOWN_INCOMPATIBLE_EDITION=NO: a later in-place edit by GDAL sets it to YES.
 */
const STRUCTURAL_METADATA = [
  "LAYOUT=IFDS_BEFORE_DATA",
  "BLOCK_ORDER=ROW_MAJOR",
  "BLOCK_LEADER=SIZE_AS_UINT4",
  "BLOCK_TRAILER=LAST_4_BYTES_REPEATED",
  "KNOWN_INCOMPATIBLE_EDITION=NO",
  " ", // GDAL's padding, kept so the block is byte for byte GDAL's
].join("\n");

/** The structural metadata block, `GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\n` then the items. */
export function structuralMetadata(): Uint8Array {
  const size = String(STRUCTURAL_METADATA.length).padStart(6, "0");
  return Buffer.from(`GDAL_STRUCTURAL_METADATA_SIZE=${size} bytes\n${STRUCTURAL_METADATA}`, "latin1");
}

/** Bytes GDAL's leader and trailer add to each tile. */
export const FRAME_BYTES = 8;

/**
 * The overview levels of an image being written: rows of the full resolution go in, each level reduces pairs of
 * rows of the level above (overviews.ts) into its own tiles.
 */
export class OverviewPyramid {
  private readonly reducers: RowReducer[];

  /** `levels[k]` receives the rows of `levels[k − 1]` (of the full resolution for k = 0). */
  constructor(
    fullWidth: number,
    private readonly levels: TileRows[],
    resampling: OverviewResampling,
    nodata: number | undefined,
    array: new (length: number) => SampleArray,
  ) {
    let width = fullWidth;
    this.reducers = levels.map((level) => {
      const reducer = new RowReducer(width, level.bands, resampling, nodata, array);
      width = level.width;
      return reducer;
    });
  }

  /** Takes one full-resolution row (one array per band). */
  async push(rows: ArrayLike<number>[]): Promise<void> {
    await this.pushTo(0, rows);
  }

  /** Reduces the unpaired last rows, level by level, once every full-resolution row was pushed. */
  async finish(): Promise<void> {
    for (let k = 0; k < this.levels.length; k++) {
      const reduced = this.reducers[k]!.flush();
      if (reduced) await this.store(k, reduced);
    }
  }

  private async pushTo(k: number, rows: ArrayLike<number>[]): Promise<void> {
    if (k >= this.levels.length) return;
    const reduced = this.reducers[k]!.push(rows);
    if (reduced) await this.store(k, reduced);
  }

  /** Stores a reduced row in level k's tiles and passes it on to the next level. */
  private async store(k: number, rows: SampleArray[]): Promise<void> {
    const level = this.levels[k]!;
    const at = level.rowStart;
    const stored = rows.map((row, b) => {
      level.buffers[b]!.set(row, at);
      return level.buffers[b]!.subarray(at, at + level.width);
    });
    // The next level reads the stored row before this level's buffer can move on: rowDone only cuts tiles.
    await this.pushTo(k + 1, stored);
    await level.rowDone();
  }
}

/** One image (IFD) of the file: its tiles in the scratch file and its fields once their offsets are known. */
export interface CogImage {
  stream: TileStream;
  fields(offsets: number[], byteCounts: number[]): TiffField[];
}

/** Copies are done in pieces of this size, checking for an abort between pieces. */
const COPY_CHUNK = 8 * 2 ** 20;

/**
 * Writes the COG into `out`: header, structural metadata, the IFDs of `images` (full resolution first), then the
 * tiles copied from `scratch`, smallest image first. `check` throws to stop (an abort); it runs between copies.
 */
export async function assembleCog(
  out: FileHandle,
  scratch: FileHandle,
  images: CogImage[],
  bigTiff: boolean,
  check: () => void,
): Promise<void> {
  const ghost = structuralMetadata();
  let position = (bigTiff ? 16 : 8) + ghost.length;
  position += position % 2;
  const firstIfd = position;
  // A directory's size depends only on its fields' counts: place them all with zero offsets first.
  const ifdAt = images.map((image) => {
    const at = position;
    const zeros = new Array<number>(image.stream.offsets.length).fill(0);
    const size = encodeDirectory(image.fields(zeros, image.stream.byteCounts), at, bigTiff).length;
    position += size + (size % 2);
    return at;
  });
  const ranges: [from: number, length: number][] = [];
  const offsets = images.map(() => [] as number[]);
  const dataStart = position;
  for (let i = images.length - 1; i >= 0; i--) {
    const { offsets: from, byteCounts } = images[i]!.stream;
    for (let t = 0; t < from.length; t++) {
      offsets[i]![t] = position + FRAME_BYTES / 2;
      ranges.push([from[t]! - FRAME_BYTES / 2, byteCounts[t]! + FRAME_BYTES]);
      position += byteCounts[t]! + FRAME_BYTES;
    }
  }
  if (!bigTiff && position > CLASSIC_TIFF_LIMIT) {
    throw new OutputError("the file would pass classic TIFF's 4 GiB limit: write a smaller window");
  }
  const head = new Uint8Array(dataStart);
  head.set(encodeHeader(firstIfd, bigTiff), 0);
  head.set(ghost, bigTiff ? 16 : 8);
  images.forEach((image, i) => {
    const next = i + 1 < images.length ? ifdAt[i + 1]! : 0;
    const fields = image.fields(offsets[i]!, image.stream.byteCounts);
    head.set(encodeDirectory(fields, ifdAt[i]!, bigTiff, next), ifdAt[i]!);
  });
  await out.write(head, 0, head.length, 0);
  await copyRanges(scratch, out, ranges, dataStart, check);
}

/**
 * Copies `ranges` of `source` one after another into `target` from `at`, joining ranges that follow each other
 * in the source into one copy. (Node has no binding for copy_file_range into the middle of a file; large
 * reads and writes through the page cache run at memory speed.)
 */
async function copyRanges(
  source: FileHandle,
  target: FileHandle,
  ranges: [from: number, length: number][],
  at: number,
  check: () => void,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK);
  let to = at;
  for (let r = 0; r < ranges.length; ) {
    let [from, length] = ranges[r++]!;
    while (r < ranges.length && ranges[r]![0] === from + length) length += ranges[r++]![1];
    while (length > 0) {
      check();
      const n = Math.min(length, COPY_CHUNK);
      const { bytesRead } = await source.read(buffer, 0, n, from);
      if (bytesRead !== n) throw new OutputError("the scratch file is shorter than the tiles written to it");
      await target.write(buffer, 0, n, to);
      from += n;
      to += n;
      length -= n;
    }
  }
}
