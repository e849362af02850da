/**
 * Encoded tiles go to the file in the order they were submitted — so files are byte-for-byte reproducible —
 * while up to `limit` of them compress at once on libuv's threadpool.
 */
import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { OutputError } from "../errors.js";

/** The largest offset a classic TIFF can hold. */
export const CLASSIC_TIFF_LIMIT = 2 ** 32 - 1;

/**
 * Appends tiles to a file after its header and records where each one went.
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
  /** File offset after the last tile written. */
  end: number;
  private readonly inFlight: Promise<void>[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    headerSize: number,
    tileCount: number,
    private readonly bigTiff: boolean,
    private readonly limit: number,
  ) {
    this.end = headerSize;
    this.offsets = new Array<number>(tileCount).fill(0);
    this.byteCounts = new Array<number>(tileCount).fill(0);
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
      if (!this.bigTiff && this.end + data.length > CLASSIC_TIFF_LIMIT) {
        throw new OutputError("the file would pass classic TIFF's 4 GiB limit: write a smaller window");
      }
      // Synchronous: an async write would queue on libuv's threadpool behind the tiles still compressing, and
      // every later tile waits for it. A tile is tens of KiB into the page cache.
      writeSync(this.file.fd, data, 0, data.length, this.end);
      this.offsets[index] = this.end;
      this.byteCounts[index] = data.length;
      this.end += data.length;
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
