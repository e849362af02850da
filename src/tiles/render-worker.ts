/**
 * A tile worker thread: renders the windows the main thread sends (see render-pool.ts) from the shared source. It
 * imports only pure modules — never geotiff.js, whose web-worker polyfill would take over this thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { tileProduct } from "./products.js";
import { demProjection } from "./projection.js";
import { renderWindow, type TileSource } from "./render.js";
import type { FromRenderWorker, SharedSource, ToRenderWorker } from "./render-pool.js";

const data = workerData as SharedSource;
const source: TileSource = {
  ...data,
  projection: demProjection(data.georef),
  product: tileProduct(data.product),
};

parentPort!.on("message", ({ id, window }: ToRenderWorker) => {
  try {
    const pixels = renderWindow(source, window);
    const reply: FromRenderWorker = { id, pixels: pixels ?? null };
    parentPort!.postMessage(reply, pixels ? [pixels.buffer as ArrayBuffer] : []);
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
