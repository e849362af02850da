/**
 * Renders and encodes tiles on worker threads: the DEM's levels and terrain fields live in shared memory, each
 * worker rebuilds the projection and product from plain data, renders the windows it is sent and encodes them with
 * sharp; the main thread only reads the DEM and writes files. With one thread the calling thread does it all.
 */
import { Worker } from "node:worker_threads";
import type { Georef } from "../geo/types.js";
import type { SampleType } from "../io/sample-types.js";
import { encodeTile, type TileFormat } from "./encode.js";
import type { TerrainField, TileProductName } from "./products.js";
import { renderWindow, type TileSource } from "./render.js";
import type { Grid, PixelWindow } from "./resample.js";
import type { TerrainSettings } from "./shading.js";

/** A `TileSource` as plain data with its arrays in shared memory (what a worker receives). */
export interface SharedSource {
  georef: Georef;
  sampleType: SampleType;
  levels: Grid[];
  full: Partial<Record<TerrainField, Grid>>;
  sourceMetres: number;
  centreLat: number;
  metresPerUnit: number;
  demTerrain: TerrainSettings;
  tileTerrain: TerrainSettings;
  product: TileProductName;
  format: TileFormat;
}

export type ToRenderWorker = { id: number; window: PixelWindow };
export type FromRenderWorker = { id: number; image: Uint8Array | null } | { id: number; error: string };

function shared(grid: Grid): Grid {
  const buffer = new SharedArrayBuffer(grid.data.byteLength);
  const data = grid.data instanceof Float64Array ? new Float64Array(buffer) : new Float32Array(buffer);
  data.set(grid.data);
  return { data, width: grid.width, height: grid.height };
}

export interface TileRenderer {
  /** Windows that can be rendering at once. */
  readonly parallelism: number;
  /** The encoded tile image, or undefined when the window holds no data. */
  render(window: PixelWindow): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/**
 * A renderer on `threads` threads: the calling thread and `threads − 1` workers. The source's arrays move to shared
 * memory. A failing worker rejects every window still pending.
 *
 * @example
 * ```ts
 * const renderer = tileRenderer(source, 2);
 * const pixels = await renderer.render({ z: 12, tileSize: 256, x: 256 * 812, y: 256 * 1470, width: 256, height: 256 });
 * await renderer.close();
 * ```
 */
export function tileRenderer(source: TileSource, format: TileFormat, threads: number): TileRenderer {
  if (threads <= 1) {
    // Everything on the calling thread: no copy into shared memory, no worker to start.
    return {
      parallelism: 1,
      render: async (window) => renderAndEncode(source, window, format),
      close: async () => {},
    };
  }
  const { projection: _p, product, levels, full, ...plain } = source;
  const data: SharedSource = {
    ...plain,
    levels: levels.map(shared),
    full: Object.fromEntries(Object.entries(full).map(([k, g]) => [k, shared(g)])),
    product: product.name as TileProductName,
    format,
  };
  // The source now reads the shared copies too, so the private ones can be collected.
  source.levels = data.levels;
  source.full = data.full;
  const url = new URL("./render-worker.js", import.meta.url);
  // No inherited Node options: flags for the main script (--input-type, loaders) can stop a worker from starting.
  const workers = Array.from(
    { length: threads - 1 },
    () => new Worker(url, { workerData: data, execArgv: [] }),
  );
  // The calling thread renders too, between reads and writes: `threads` threads in all.
  const LOCAL = "local" as const;
  const idle: Array<Worker | typeof LOCAL> = [LOCAL, ...workers];
  const queue: Array<{ id: number; window: PixelWindow }> = [];
  const pending = new Map<
    number,
    { resolve: (p: Uint8Array | undefined) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | undefined;
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      if (worker !== LOCAL) {
        worker.postMessage(job satisfies ToRenderWorker);
        continue;
      }
      const entry = pending.get(job.id);
      pending.delete(job.id);
      // Rendered on a later turn, so that `render` returns at once and replies from workers are taken first.
      setImmediate(() => {
        renderAndEncode(source, job.window, format)
          .then(entry?.resolve, entry?.reject)
          .finally(() => {
            idle.push(LOCAL);
            dispatch();
          });
      });
    }
  };
  for (const worker of workers) {
    worker.on("message", (reply: FromRenderWorker) => {
      const entry = pending.get(reply.id);
      pending.delete(reply.id);
      idle.push(worker);
      if ("error" in reply) entry?.reject(new Error(reply.error));
      else entry?.resolve(reply.image ?? undefined);
      dispatch();
    });
    worker.on("error", (error) => {
      // The run stops at the first failure: every window still pending fails with it.
      failure ??= new Error(`a tile worker failed: ${error.message}`);
      for (const entry of pending.values()) entry.reject(failure);
      pending.clear();
    });
  }
  return {
    parallelism: threads,
    render(window) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        queue.push({ id, window });
        dispatch();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A window rendered and encoded as a tile image (elevation encodings losslessly), or undefined without data. */
export async function renderAndEncode(
  source: TileSource,
  window: PixelWindow,
  format: TileFormat,
): Promise<Uint8Array | undefined> {
  const pixels = renderWindow(source, window);
  if (!pixels) return undefined;
  const { channels, encoding } = source.product;
  return encodeTile(pixels, window.width, channels, format, encoding !== undefined);
}
