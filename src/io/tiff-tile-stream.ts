/**
 * Encoded tiles go to the file in the order they were submitted — so files are byte-for-byte reproducible —
 * while up to `limit` of them compress at once on libuv's threadpool.
 */
import { writeSync, writevSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { OutputError } from "../errors.js";
import type { SampleArray } from "./tiff-compress.js";

/** The largest offset a classic TIFF can hold. */
export const CLASSIC_TIFF_LIMIT = 2 ** 32 - 1;

/** Where the next tile goes: shared by several streams that append to one file. */
export interface FileCursor {
  end: number;
}

/**
 * Appends tiles to a file after its header and records where each one went.
 *
 * `framed` writes GDAL's block leader and trailer around each tile (its size as a little-endian uint32 before it,
 * its last 4 bytes repeated after it; see cog.ts); `offsets` still point at the tile's first byte.
 *
 * @example
 * ```ts
 * const stream = new TileStream(file, 8, tileCount, false, 64);
 * await stream.submit(0, () => compressTile(predictTile(row, stride, 0, 256, 3), "deflate"));
 * await stream.drain(); // then stream.offsets, stream.byteCounts, stream.end
 * ```
 */
export class TileStream {
  readonly offsets: number[];
  readonly byteCounts: number[];
  private readonly cursor: FileCursor;
  private readonly framed: boolean;
  private readonly inFlight: Promise<void>[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    headerSize: number,
    tileCount: number,
    private readonly bigTiff: boolean,
    private readonly limit: number,
    options: { cursor?: FileCursor; framed?: boolean } = {},
  ) {
    this.cursor = options.cursor ?? { end: headerSize };
    this.framed = options.framed ?? false;
    this.offsets = new Array<number>(tileCount).fill(0);
    this.byteCounts = new Array<number>(tileCount).fill(0);
  }

  /** File offset after the last tile written. */
  get end(): number {
    return this.cursor.end;
  }

  /**
   * Waits for a free place, then calls `encode` at once (so it may read buffers the caller reuses after this
   * resolves) and queues tile `index` to be written after every tile submitted before it. Rejects with the
   * first error of an earlier tile.
   */
  async submit(index: number, encode: () => Promise<Uint8Array>): Promise<void> {
    while (this.inFlight.length >= this.limit) await this.inFlight.shift();
    const encoded = encode();
    encoded.catch(() => {}); // awaited by the write below; this only tells Node the rejection is handled
    const written = (this.tail = this.tail.then(async () => {
      const data = await encoded;
      const frame = this.framed ? 8 : 0;
      const at = this.cursor.end;
      if (!this.bigTiff && at + data.length + frame > CLASSIC_TIFF_LIMIT) {
        throw new OutputError("the file would pass classic TIFF's 4 GiB limit: write a smaller window");
      }
      // Synchronous: an async write would queue on libuv's threadpool behind the tiles still compressing, and
      // every later tile waits for it. A tile is tens of KiB into the page cache.
      if (this.framed) writevSync(this.file.fd, [leader(data), data, trailer(data)], at);
      else writeSync(this.file.fd, data, 0, data.length, at);
      this.offsets[index] = at + frame / 2;
      this.byteCounts[index] = data.length;
      this.cursor.end = at + data.length + frame;
    }));
    written.catch(() => {});
    this.inFlight.push(written);
  }

  /** Resolves when every submitted tile is written; rejects with the first failure. */
  async drain(): Promise<void> {
    this.inFlight.length = 0;
    await this.tail;
  }
}

function leader(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, data.length, true);
  return out;
}

/** The tile's last 4 bytes (a tile shorter than that is padded with zeros; GDAL checks only longer ones). */
function trailer(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4);
  out.set(data.subarray(Math.max(0, data.length - 4)));
  return out;
}

/**
 * One image's rows cut into tiles: rows arrive in order into one tile row per band; when a tile row is complete
 * its tiles are encoded (by `encode`, from the tile row, its stride and the tile's first column) and submitted
 * to `stream` with TIFF's tile index (band-separate planes: band × tiles per band + row × tiles across + column).
 * Memory: one tile row per band.
 */
export class TileRows {
  readonly tilesAcross: number;
  readonly tilesDown: number;
  readonly stride: number;
  /** The tile row of each band: `tileSize` rows of `stride` samples. */
  readonly buffers: SampleArray[];
  rowsWritten = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly bands: number,
    readonly tileSize: number,
    array: new (length: number) => SampleArray,
    private readonly stream: TileStream,
    private readonly encode: (tileRow: SampleArray, stride: number, x0: number) => Promise<Uint8Array>,
  ) {
    this.tilesAcross = Math.ceil(width / tileSize);
    this.tilesDown = Math.ceil(height / tileSize);
    this.stride = this.tilesAcross * tileSize;
    this.buffers = Array.from({ length: bands }, () => new array(this.stride * tileSize));
  }

  /** Where the next row goes in each band's buffer (then call `rowDone`). */
  get rowStart(): number {
    return (this.rowsWritten % this.tileSize) * this.stride;
  }

  /** Counts the row just stored at `rowStart`; queues the tile row's tiles when it completes one. */
  async rowDone(): Promise<void> {
    const row = this.rowsWritten++;
    if (row % this.tileSize === this.tileSize - 1 || row === this.height - 1) await this.flush(row);
  }

  /** Queues every tile of the tile row that ends at `lastRow`; returns once all were cut out of the buffers. */
  private async flush(lastRow: number): Promise<void> {
    const size = this.tileSize;
    const down = Math.floor(lastRow / size);
    const filled = (lastRow % size) + 1;
    // The last tile row is padded with zeros (rows of the previous tile row are still in the buffer).
    if (filled < size) for (const buffer of this.buffers) buffer.fill(0, filled * this.stride);
    const perBand = this.tilesAcross * this.tilesDown;
    for (let band = 0; band < this.bands; band++) {
      for (let across = 0; across < this.tilesAcross; across++) {
        const buffer = this.buffers[band]!;
        await this.stream.submit(band * perBand + down * this.tilesAcross + across, () =>
          this.encode(buffer, this.stride, across * size),
        );
      }
    }
  }
}
