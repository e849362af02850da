/**
 * Copying raster rows out of decoded TIFF blocks (tiles or strips): whole runs with `TypedArray.set` where a band's
 * samples are contiguous, a tight strided loop where bands are interleaved. The decoded block rows the last read
 * touched are kept, so strips read in order — each overlapping the one before by its halo rows — decode every
 * block once, and memory stays bounded by the block rows one read spans.
 */
import type { NumericArray } from "../core/ndarray.js";
import { InputError } from "../errors.js";
import { type BlockDecoder, blockName } from "./decoders.js";
import type { SampleType } from "./sample-types.js";
import { type ByteSource, ShortReadError } from "./source.js";

/** The typed arrays TIFF samples decode into. */
type SampleArray = Exclude<NumericArray, Uint8ClampedArray>;

interface SampleArrayType {
  new (buffer: ArrayBufferLike, offset: number, length: number): SampleArray;
  readonly BYTES_PER_ELEMENT: number;
}

const ARRAY_OF: Record<SampleType, SampleArrayType> = {
  Int8: Int8Array,
  UInt8: Uint8Array,
  Int16: Int16Array,
  UInt16: Uint16Array,
  Int32: Int32Array,
  UInt32: Uint32Array,
  Float32: Float32Array,
  Float64: Float64Array,
};

/** Where one band's samples lie in the decoded blocks. */
export interface BandLayout {
  sampleType: SampleType;
  /** 0-based band index. */
  sample: number;
  /** Samples per pixel inside a block: the band count when interleaved (chunky), 1 when planar. */
  pixelStride: number;
  /** Index of the band's sample within a pixel (0 when planar). */
  sampleOffset: number;
}

/** Where the blocks are: the raster and block sizes, and each block's bytes in the file. */
export interface BlockGrid {
  width: number;
  height: number;
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  /** Bands stored in separate blocks (PlanarConfiguration 2): blocks of band b follow those of band b − 1. */
  planar: boolean;
  /** Bytes of one pixel of a decoded block (all interleaved samples). */
  blockPixelBytes: number;
  offsets: Float64Array;
  byteCounts: Float64Array;
  /** What a block that the file leaves out (byte count 0, GDAL's sparse files) holds: the nodata value, or 0. */
  sparseValue: number;
}

/**
 * Reads rows of one band from a GeoTIFF image, block row by block row.
 *
 * @example
 * ```ts
 * const layout = { sampleType: "Int16", sample: 0, pixelStride: 1, sampleOffset: 0 } as const;
 * const rows = new BlockRows(bytes, grid, decoder, layout);
 * const out = new Float64Array(16 * grid.width);
 * await rows.copy(0, grid.width, 0, 16, out);
 * ```
 */
export class BlockRows {
  private readonly blockWidth: number;
  private readonly blockHeight: number;
  /** Decoded blocks by block row, then block column. */
  private cached = new Map<number, (Promise<SampleArray> | undefined)[]>();

  constructor(
    private readonly source: ByteSource,
    private readonly grid: BlockGrid,
    private readonly decoder: BlockDecoder,
    private readonly band: BandLayout,
  ) {
    this.blockWidth = grid.blockWidth;
    this.blockHeight = grid.blockHeight;
  }

  /**
   * Copies the stored values of rows [firstRow, firstRow + rowCount) × columns [x, x + width) into `out`
   * (row-major, `width` values per row), converting to `out`'s element type. The window must lie inside the raster.
   */
  async copy(x: number, width: number, firstRow: number, rowCount: number, out: Float32Array | Float64Array) {
    if (width === 0 || rowCount === 0) return;
    const { blockWidth: bw, blockHeight: bh } = this;
    const { pixelStride, sampleOffset } = this.band;
    const firstBx = Math.floor(x / bw);
    const lastBx = Math.floor((x + width - 1) / bw);
    const firstBy = Math.floor(firstRow / bh);
    const lastBy = Math.floor((firstRow + rowCount - 1) / bh);
    // Block rows this read does not touch are dropped: the next strip starts at most a halo above this one's end.
    for (const by of this.cached.keys()) if (by < firstBy || by > lastBy) this.cached.delete(by);
    for (let by = firstBy; by <= lastBy; by++) {
      // All blocks of the row at once: their reads and decoding overlap instead of waiting on each other.
      const pending: Promise<SampleArray>[] = [];
      for (let bx = firstBx; bx <= lastBx; bx++) pending.push(this.block(bx, by));
      const blocks = await Promise.all(pending);
      const r0 = Math.max(firstRow, by * bh);
      const r1 = Math.min(firstRow + rowCount, (by + 1) * bh);
      for (let k = 0; k < blocks.length; k++) {
        const block = blocks[k]!;
        const bx = firstBx + k;
        const c0 = Math.max(x, bx * bw);
        const n = Math.min(x + width, (bx + 1) * bw) - c0;
        const lastIndex = ((r1 - 1 - by * bh) * bw + (c0 - bx * bw) + n - 1) * pixelStride + sampleOffset;
        if (lastIndex >= block.length) {
          throw new InputError(
            `corrupt TIFF: data block (${bx}, ${by}) holds fewer pixels than its size says`,
            {
              file: this.source.name,
            },
          );
        }
        for (let row = r0; row < r1; row++) {
          let i = ((row - by * bh) * bw + (c0 - bx * bw)) * pixelStride + sampleOffset;
          let o = (row - firstRow) * width + (c0 - x);
          if (pixelStride === 1) {
            out.set(block.subarray(i, i + n), o);
          } else {
            for (const end = o + n; o < end; o++, i += pixelStride) out[o] = block[i]!;
          }
        }
      }
    }
  }

  /** Forgets the cached blocks. */
  clear(): void {
    this.cached.clear();
  }

  /** The decoded block (bx, by) as the band's typed array, from the cache. */
  private block(bx: number, by: number): Promise<SampleArray> {
    let cached = this.cached.get(by);
    if (!cached) {
      cached = [];
      this.cached.set(by, cached);
    }
    let block = cached[bx];
    if (block === undefined) {
      block = this.decode(bx, by);
      cached[bx] = block;
      // A failed read is not kept: the next call tries again (and reports the error again).
      block.catch(() => {
        if (cached[bx] === block) cached[bx] = undefined;
      });
    }
    return block;
  }

  private async decode(bx: number, by: number): Promise<SampleArray> {
    const { grid, band } = this;
    const across = Math.ceil(grid.width / grid.blockWidth);
    const down = Math.ceil(grid.height / grid.blockHeight);
    const index = (grid.planar ? band.sample * across * down : 0) + by * across + bx;
    const rowBytes = grid.blockWidth * grid.blockPixelBytes;
    const full = rowBytes * grid.blockHeight;
    // Strips may stop at the raster's last row (as GDAL writes them) or be whole (as some writers pad them).
    const rows = grid.tiled
      ? grid.blockHeight
      : Math.min(grid.blockHeight, grid.height - by * grid.blockHeight);
    const id = { row: by, column: bx };
    const ArrayType = ARRAY_OF[band.sampleType];
    const byteCount = grid.byteCounts[index]!;
    if (byteCount === 0) {
      const block = new ArrayType(new ArrayBuffer(full), 0, full / ArrayType.BYTES_PER_ELEMENT);
      block.fill(grid.sparseValue as never);
      return block;
    }
    let stored: Uint8Array;
    try {
      stored = await this.source.read(grid.offsets[index]!, byteCount);
    } catch (error) {
      if (error instanceof ShortReadError) {
        throw new InputError(`truncated while reading ${blockName(id)}`, { file: this.source.name });
      }
      throw error;
    }
    const decoded = await this.decoder.decode(
      stored,
      rows === grid.blockHeight ? [full] : [rows * rowBytes, full],
      id,
    );
    return new ArrayType(decoded.buffer, 0, Math.floor(decoded.byteLength / ArrayType.BYTES_PER_ELEMENT));
  }
}
