/**
 * LERC blocks: the additional DEFLATE or ZSTD layer is undone here, bounded like every other codec; the LERC blob's
 * header must describe the block; and the blob itself is decoded in a worker thread with a deadline, because the
 * LERC decoder is not ours and can still spin on corrupt input.
 */

import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { inflate } from "node:zlib";
import { ZSTDDecoder } from "zstddec";
import type { BlockFormat } from "./block-format.js";

const inflateAsync = promisify(inflate);

/** LercParameters[1]: the compression applied on top of the LERC blob. */
const ADD_NONE = 0;
const ADD_DEFLATE = 1;
const ADD_ZSTD = 2;

/** How long one block may take: generous for a healthy blob, short for a spinning one. */
function deadlineMs(bytes: number): number {
  return 3000 + bytes / 4096;
}

export class LercError extends Error {}

/**
 * Decodes LERC blocks of one format.
 *
 * @example
 * ```ts
 * const lerc = new LercDecoder(format);
 * const bytes = await lerc.decode(stored, 256 * 256 * 4);
 * ```
 */
export class LercDecoder {
  private zstd: ZSTDDecoder | undefined;
  private readonly parameters: object;

  constructor(private readonly format: BlockFormat) {
    const { blockWidth, blockHeight, planarConfiguration, bitsPerSample, samplesPerBlockPixel } = format;
    this.parameters = {
      tileWidth: blockWidth,
      tileHeight: blockHeight,
      planarConfiguration,
      bitsPerSample,
      samplesPerPixel: samplesPerBlockPixel,
      predictor: 1,
      // The additional compression is already undone.
      LercParameters: [format.lercParameters?.[0] ?? 2, ADD_NONE],
    };
  }

  async decode(stored: Uint8Array, limit: number): Promise<Uint8Array> {
    const blob = await this.undoAddCompression(stored, limit);
    this.checkHeader(blob, limit);
    return lercThread.run(blob, this.parameters, deadlineMs(limit));
  }

  /** A LERC blob is at most its samples plus a validity mask and headers: bound the outer layer by that. */
  private async undoAddCompression(stored: Uint8Array, limit: number): Promise<Uint8Array> {
    const add = this.format.lercParameters?.[1] ?? ADD_NONE;
    const blobLimit = 2 * limit + 65536;
    if (add === ADD_NONE) return stored;
    if (add === ADD_DEFLATE) {
      try {
        return await inflateAsync(stored, { maxOutputLength: blobLimit });
      } catch (error) {
        throw new LercError(`DEFLATE layer: ${(error as Error).message}`);
      }
    }
    if (add === ADD_ZSTD) {
      if (!this.zstd) {
        this.zstd = new ZSTDDecoder();
        await this.zstd.init();
      }
      const out = this.zstd.decode(stored, blobLimit);
      if (out.length === 0) throw new LercError("corrupt ZSTD layer");
      return out;
    }
    throw new LercError(`unknown additional compression ${add}`);
  }

  /** The blob must be Lerc2 and describe a block of this format (its size bounds what the decoder allocates). */
  private checkHeader(blob: Uint8Array, limit: number): void {
    const { blockWidth, bytesPerSample } = this.format;
    if (blob.length < 30 || Buffer.from(blob.subarray(0, 5)).toString("latin1") !== "Lerc2") {
      throw new LercError("not a Lerc2 blob");
    }
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const version = view.getInt32(6, true);
    let at = version >= 3 ? 14 : 10;
    const height = view.getUint32(at, true);
    const width = view.getUint32(at + 4, true);
    at += 8;
    const depth = version >= 4 ? view.getUint32(at, true) : 1;
    if (version >= 4) at += 4;
    const pixels = width * height * depth;
    if (width !== blockWidth || pixels * bytesPerSample > limit || version < 1 || version > 6) {
      throw new LercError(`a ${width}×${height}×${depth} blob in a ${blockWidth}-pixel-wide block`);
    }
    // The decoder trusts these: a micro-block size of 0 or less, or a blob longer than its bytes, reads garbage.
    const validPixels = view.getUint32(at, true);
    const microBlockSize = view.getInt32(at + 4, true);
    const blobSize = view.getInt32(at + 8, true);
    if (validPixels > width * height || microBlockSize < 1 || blobSize > blob.length || blobSize < at + 12) {
      throw new LercError("inconsistent blob header");
    }
  }
}

/**
 * The one LERC thread of the process: blocks are decoded one at a time, each under its deadline; a block past its
 * deadline ends the thread (the only way to stop a spinning decoder) and the next block starts a new one.
 */
class LercThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  run(blob: Uint8Array, parameters: object, deadline: number): Promise<Uint8Array> {
    const job = this.queue.then(() => this.runNow(blob, parameters, deadline));
    this.queue = job.catch(() => {});
    return job;
  }

  private runNow(blob: Uint8Array, parameters: object, deadline: number): Promise<Uint8Array> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const done = (error: Error | undefined, decoded?: ArrayBuffer) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        if (error) reject(error);
        else resolve(new Uint8Array(decoded!));
      };
      const onMessage = (message: { id: number; decoded?: ArrayBuffer; error?: string }) => {
        if (message.id !== id) return;
        done(message.error === undefined ? undefined : new LercError(message.error), message.decoded);
      };
      const onError = (error: Error) => {
        this.worker = undefined;
        done(new LercError(`decoder failed: ${error.message}`));
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done(new LercError(`decoding took more than ${Math.round(deadline / 1000)} s`));
      }, deadline);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.postMessage({ id, bytes: blob, parameters });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./lerc-worker.js", import.meta.url), {
      // geotiff.js's dependencies read workerData when loaded in a thread: it must be an object.
      workerData: {},
      // Bounds the decoder's JavaScript heap; its typed arrays are bounded by the header check.
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    // An idle decoder thread must not keep the process alive (a pending block's timer does).
    worker.unref();
    worker.on("exit", () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }
}

const lercThread = new LercThread();
