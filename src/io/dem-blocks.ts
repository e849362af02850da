/**
 * Copying raster rows out of decoded TIFF blocks (tiles or strips): whole runs with `TypedArray.set` where a band's
 * samples are contiguous, a tight strided loop where bands are interleaved. The decoded block rows the last read
 * touched are kept, so strips read in order — each overlapping the one before by its halo rows — decode every
 * block once, and memory stays bounded by the block rows one read spans.
 */
import type { BaseDecoder, GeoTIFFImage } from "geotiff";
import type { NumericArray } from "../core/ndarray.js";
import { InputError } from "../errors.js";
import type { SampleType } from "./sample-types.js";

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

/**
 * Reads rows of one band from a GeoTIFF image, block row by block row.
 *
 * @example
 * ```ts
 * const layout = { sampleType: "Int16", sample: 0, pixelStride: 1, sampleOffset: 0 } as const;
 * const rows = new BlockRows(image, decoder, layout, "dem.tif");
 * const out = new Float64Array(16 * image.getWidth());
 * await rows.copy(0, image.getWidth(), 0, 16, out);
 * ```
 */
export class BlockRows {
  private readonly blockWidth: number;
  private readonly blockHeight: number;
  /** Decoded blocks by block row, then block column. */
  private cached = new Map<number, (Promise<SampleArray> | undefined)[]>();

  constructor(
    private readonly image: GeoTIFFImage,
    private readonly decoder: BaseDecoder,
    private readonly band: BandLayout,
    private readonly file: string,
  ) {
    this.blockWidth = image.getTileWidth();
    this.blockHeight = image.getTileHeight();
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
              file: this.file,
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
    const { data } = await this.image.getTileOrStrip(bx, by, this.band.sample, this.decoder);
    const ArrayType = ARRAY_OF[this.band.sampleType];
    return new ArrayType(data, 0, Math.floor(data.byteLength / ArrayType.BYTES_PER_ELEMENT));
  }
}
