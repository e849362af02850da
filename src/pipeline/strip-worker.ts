/**
 * A strip worker thread: computes the product rows of the strips the main thread sends (see strip-pool.ts) and
 * takes back their arrays once written. It imports only pure modules — never geotiff.js, whose web-worker
 * polyfill would take over this thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorToData } from "../errors.js";
import { planSpacing } from "./derivative-plan.js";
import { productBuffers, type StripPlan, StripProducts } from "./strip-products.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";

const plan = workerData as StripPlan;
// A plan this thread cannot build from fails every strip with the error the calling thread would throw.
let products: StripProducts | undefined;
let broken: ReturnType<typeof errorToData> | undefined;
try {
  products = new StripProducts(plan, planSpacing(plan));
} catch (error) {
  broken = errorToData(error);
}
const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

parentPort!.on("message", (message: ToWorker) => {
  if (message.kind === "recycle") {
    products?.recycle(message.rows);
    return;
  }
  const { id, job } = message;
  if (!products) {
    reply({ id, error: broken! });
    return;
  }
  try {
    const rows = products.compute(job);
    reply({ id, rows, data: job.data }, [...productBuffers(rows), job.data.buffer as ArrayBuffer]);
  } catch (error) {
    // Class, code and file cross as data, so the caller gets the error a single-thread run throws.
    reply({ id, error: errorToData(error) });
  }
});
