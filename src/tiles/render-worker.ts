/**
 * A tile worker thread: renders and encodes the windows the main thread sends (see render-pool.ts). It
 * imports only pure modules — never geotiff.js, whose web-worker polyfill would take over this thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { tileProduct } from "./products.js";
import { demProjection } from "./projection.js";
import type { TileSource } from "./render.js";
import {
  type FromRenderWorker,
  renderAndEncode,
  type SharedSource,
  type ToRenderWorker,
} from "./render-pool.js";

const data = workerData as SharedSource;
const source: TileSource = {
  ...data,
  projection: demProjection(data.georef),
  product: tileProduct(data.product),
};

parentPort!.on("message", async ({ id, window }: ToRenderWorker) => {
  try {
    const image = await renderAndEncode(source, window, data.format);
    const reply: FromRenderWorker = { id, image: image ?? null };
    parentPort!.postMessage(reply);
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
