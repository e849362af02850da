/**
 * Runs strips of one DEM through `StripProducts` on `threads` threads: the calling thread and `threads − 1` worker
 * threads that each build the same pure kernels from the plan, so every thread count gives bit-identical products.
 * A strip goes to an idle worker, or is computed at once in the calling thread when none is idle — the main
 * thread's time between reads and writes is not wasted, and no strip waits in a queue.
 */
import { Worker } from "node:worker_threads";
import { errorFromData } from "../errors.js";
import {
  type ProductRows,
  productBuffers,
  type StripJob,
  type StripPlan,
  type StripProducts,
} from "./strip-products.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";

/** A strip's product rows and its elevation buffer, handed back for the next read. */
export interface StripResult {
  rows: ProductRows;
  data: Float64Array;
  /** The worker that computed it (undefined: the calling thread). */
  worker?: Worker;
}

export interface StripRunner {
  /** Strips that can be computing at once. */
  readonly parallelism: number;
  run(job: StripJob): Promise<StripResult>;
  /** Gives the product arrays of a written strip back to the thread that made them, for reuse. */
  recycle(result: StripResult): void;
  close(): Promise<void>;
}

type Pending = { resolve: (r: StripResult) => void; reject: (e: Error) => void };

/**
 * A runner on the calling thread (`local`) and `threads − 1` workers. A failing worker rejects every strip it
 * still holds, so the driver stops at the first error.
 *
 * @example
 * ```ts
 * const runner = stripRunner(plan, new StripProducts(plan, spacing), 2);
 * const result = await runner.run({ data, readFirst: 0, readRows: 258, first: 0, rows: 256 });
 * // … write result.rows …
 * runner.recycle(result);
 * await runner.close();
 * ```
 */
export function stripRunner(plan: StripPlan, local: StripProducts, threads: number): StripRunner {
  const url = new URL("./strip-worker.js", import.meta.url);
  // No inherited Node options: flags for the main script (--input-type, loaders) can stop a worker from starting.
  const workers = Array.from(
    { length: threads - 1 },
    () => new Worker(url, { workerData: plan, execArgv: [] }),
  );
  const idle = [...workers];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  for (const worker of workers) {
    worker.on("message", (reply: FromWorker) => {
      idle.push(worker);
      const entry = pending.get(reply.id);
      pending.delete(reply.id);
      if ("error" in reply) entry?.reject(errorFromData(reply.error));
      else entry?.resolve({ rows: reply.rows, data: reply.data, worker });
    });
    worker.on("error", (error) => fail(new Error(`a strip worker failed: ${error.message}`)));
    worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`a strip worker stopped (exit code ${code})`));
    });
  }
  const send = (worker: Worker, message: ToWorker, transfer: ArrayBuffer[]) =>
    worker.postMessage(message, transfer);

  return {
    parallelism: threads,
    async run(job) {
      if (failure) throw failure;
      const worker = idle.pop();
      if (!worker) return { rows: local.compute(job), data: job.data };
      const id = nextId++;
      const result = new Promise<StripResult>((resolve, reject) => pending.set(id, { resolve, reject }));
      send(worker, { kind: "strip", id, job }, [job.data.buffer as ArrayBuffer]);
      return result;
    },
    recycle({ rows, worker }) {
      if (!worker) local.recycle(rows);
      else if (!failure) send(worker, { kind: "recycle", rows }, productBuffers(rows));
    },
    async close() {
      failure ??= new Error("the strip workers were closed");
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
