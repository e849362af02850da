/**
 * The threads that make tiles: the calling thread and `threads − 1` workers, started before the DEM is read so
 * that they load their modules meanwhile. The DEM's levels and the terrain fields live in shared memory; each
 * worker rebuilds the projection and product from plain data. Terrain work — the full-resolution fields and the
 * tiles of coarse zooms, shaded on their own grid — goes to the workers, and resampling fine zooms' tiles to the
 * calling thread first (which also reads the DEM and writes files): every thread that runs a kernel compiles it
 * for itself, which costs about as much as running it on a small pyramid, so the terrain kernels get compiled once.
 * A worker with no terrain work left resamples too; with no worker the calling thread does everything.
 */
import { Worker } from "node:worker_threads";
import type { Georef } from "../geo/types.js";
import type { SampleType } from "../io/sample-types.js";
import { encodeTile, type TileFormat } from "./encode.js";
import type { TerrainField, TileColour, TileProductName } from "./products.js";
import { computeTerrainRows, renderWindow, type TileSource } from "./render.js";
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
  mercator: Georef;
  product: TileProductName;
  colour?: TileColour | undefined;
  format: TileFormat;
}

/** What a thread is asked to do: rows of the full-resolution terrain, or one tile. */
export type TileTask =
  | { kind: "terrain"; first: number; rows: number }
  | { kind: "tile"; window: PixelWindow };

export type ToRenderWorker = { kind: "source"; source: SharedSource } | { id: number; task: TileTask };
export type FromRenderWorker =
  | { ready: true }
  | { id: number; image: Uint8Array | null }
  | { id: number; error: string };

/** Which threads take a task: the terrain threads (the workers, if any), or any thread (the calling one first). */
export type Affinity = "terrain" | "any";

export interface TilePool {
  /** Tasks that can be running at once. */
  readonly parallelism: number;
  /**
   * Hands the source to every thread; with workers its arrays must be in shared memory. Call once, first.
   * `callerShades`: the calling thread takes terrain work too (when it has nothing else: no fine zoom to render).
   */
  load(source: TileSource, format: TileFormat, options?: { callerShades?: boolean }): void;
  /** Computes rows [first, first + rows) of the source's full-resolution terrain fields (a terrain task). */
  terrain(first: number, rows: number): Promise<void>;
  /** The encoded tile image, or undefined when the window holds no data. */
  render(window: PixelWindow, affinity: Affinity): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` threads: the calling thread and `threads − 1` workers. A failing worker rejects every task
 * still pending.
 *
 * @example
 * ```ts
 * const pool = startTilePool(2);
 * pool.load(source, "png");
 * const png = await pool.render({ z: 12, tileSize: 256, x: 256 * 812, y: 256 * 1470, width: 256, height: 256 }, "any");
 * await pool.close();
 * ```
 */
export function startTilePool(threads: number): TilePool {
  const url = new URL("./render-worker.js", import.meta.url);
  // No inherited Node options: flags for the main script (--input-type, loaders) can stop a worker from starting.
  const workers = Array.from({ length: Math.max(0, threads - 1) }, () => new Worker(url, { execArgv: [] }));
  let local: { source: TileSource; format: TileFormat; callerShades: boolean } | undefined;
  const LOCAL = "local" as const;
  // Workers join once they have their modules and the source.
  const idle: Array<Worker | typeof LOCAL> = [LOCAL];
  const queues: Record<Affinity, Array<{ id: number; task: TileTask }>> = { terrain: [], any: [] };
  // The next task for a thread: workers prefer terrain work; the calling thread takes it only without workers, or
  // when told to.
  const next = (thread: Worker | typeof LOCAL) => {
    if (thread !== LOCAL || workers.length === 0 || local?.callerShades) {
      return queues.terrain.shift() ?? queues.any.shift();
    }
    return queues.any.shift();
  };
  type Entry = { resolve: (image: Uint8Array | undefined) => void; reject: (e: Error) => void };
  const pending = new Map<number, Entry>();
  let nextId = 0;
  let failure: Error | undefined;
  const dispatch = () => {
    for (let k = idle.length - 1; k >= 0; k--) {
      const thread = idle[k]!;
      const job = next(thread);
      if (!job) continue;
      idle.splice(k, 1);
      if (thread !== LOCAL) {
        thread.postMessage(job satisfies ToRenderWorker);
        continue;
      }
      const entry = pending.get(job.id);
      pending.delete(job.id);
      // Run on a later turn, so that the caller goes on at once and replies from workers are taken first.
      setImmediate(() => {
        const { source, format } = local!;
        try {
          runTask(source, format, job.task).then(entry?.resolve, entry?.reject);
        } catch (error) {
          entry?.reject(error as Error);
        }
        // Free for the next task while the tile compresses on the threadpool.
        idle.push(LOCAL);
        dispatch();
      });
    }
  };
  for (const worker of workers) {
    worker.on("message", (reply: FromRenderWorker) => {
      if ("ready" in reply) {
        // A second task while the first one's tile compresses on the threadpool.
        idle.push(worker, worker);
        dispatch();
        return;
      }
      const entry = pending.get(reply.id);
      pending.delete(reply.id);
      idle.push(worker);
      if ("error" in reply) entry?.reject(new Error(reply.error));
      else entry?.resolve(reply.image ?? undefined);
      dispatch();
    });
    worker.on("error", (error) => {
      // The run stops at the first failure: every task still pending fails with it.
      failure ??= new Error(`a tile worker failed: ${error.message}`);
      for (const entry of pending.values()) entry.reject(failure);
      pending.clear();
    });
  }
  const submit = (task: TileTask, affinity: Affinity) => {
    if (!local) return Promise.reject(new Error("the tile pool has no source yet"));
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<Uint8Array | undefined>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      queues[affinity].push({ id, task });
      dispatch();
    });
  };
  return {
    parallelism: threads,
    load(source, format, { callerShades = false } = {}) {
      local = { source, format, callerShades };
      if (workers.length === 0) return;
      const { projection: _p, product, ...plain } = source;
      const shared: SharedSource = {
        ...plain,
        product: product.name as TileProductName,
        colour: product.colour,
        format,
      };
      for (const worker of workers)
        worker.postMessage({ kind: "source", source: shared } satisfies ToRenderWorker);
    },
    terrain: (first, rows) => submit({ kind: "terrain", first, rows }, "terrain").then(() => {}),
    render: (window, affinity) => submit({ kind: "tile", window }, affinity),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The thread's pixel array, reused from tile to tile where the encoder is done with it when it returns (PNG). */
let scratchPixels: Uint8Array | undefined;

/**
 * Runs one task on this thread: terrain rows (no image), or a tile rendered and encoded (undefined without data).
 * The computing is done when this returns; what the promise waits for is the compression on the threadpool.
 */
export function runTask(
  source: TileSource,
  format: TileFormat,
  task: TileTask,
): Promise<Uint8Array | undefined> {
  if (task.kind === "terrain") {
    computeTerrainRows(source, task.first, task.rows);
    return Promise.resolve(undefined);
  }
  const { window } = task;
  const { channels, encoding } = source.product;
  let pixels: Uint8Array | undefined;
  if (format === "png") {
    const count = window.width * window.height * channels;
    if (scratchPixels?.length !== count) scratchPixels = new Uint8Array(count);
    pixels = scratchPixels;
  }
  const image = renderWindow(source, window, undefined, true, pixels);
  if (!image) return Promise.resolve(undefined);
  return encodeTile(image, window.width, channels, format, encoding !== undefined);
}
