/**
 * A tile worker thread: takes the source once, then computes the terrain rows and renders and encodes the tiles
 * the main thread sends (see render-pool.ts). It imports only pure modules — never geotiff.js, whose web-worker
 * polyfill would take over this thread.
 */
import { parentPort } from "node:worker_threads";
import type { TileFormat } from "./encode.js";
import { tileProduct } from "./products.js";
import { demProjection } from "./projection.js";
import type { TileSource } from "./render.js";
import { type FromRenderWorker, runTask, type ToRenderWorker } from "./render-pool.js";

let loaded: { source: TileSource; format: TileFormat } | undefined;

parentPort!.on("message", async (message: ToRenderWorker) => {
  if ("kind" in message) {
    const { format, product, colour, ...data } = message.source;
    loaded = {
      source: { ...data, projection: demProjection(data.georef), product: tileProduct(product, colour) },
      format,
    };
    parentPort!.postMessage({ ready: true } satisfies FromRenderWorker);
    return;
  }
  const { id, task } = message;
  try {
    const image = await runTask(loaded!.source, loaded!.format, task);
    parentPort!.postMessage({ id, image: image ?? null } satisfies FromRenderWorker);
  } catch (error) {
    parentPort!.postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies FromRenderWorker);
  }
});
