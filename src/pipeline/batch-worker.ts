/**
 * A worker process of the batch pool: processes the tiles it is sent, one at a time, and reports back. (Processes,
 * not worker threads: geotiff.js's worker polyfill takes over any worker thread that imports it.)
 */
import { DemgradError } from "../errors.js";
import type { ProductOutputs } from "../products/registry.js";
import { openSeamless, type SeamlessPlan } from "./mosaic.js";
import type { ProcessOptions } from "./options.js";
import { processDem, processPart } from "./process.js";

export interface TileJob {
  id: number;
  input: string;
  outputs: ProductOutputs;
  options: Omit<ProcessOptions, "warn" | "onProgress" | "signal">;
  /** With --seamless: the mosaic window to read around the tile. */
  seamless?: SeamlessPlan;
}

export interface TileResult {
  id: number;
  ok: boolean;
  error?: string;
  warnings: string[];
}

let current: AbortController | undefined;

// Ctrl-C in a terminal signals the whole process group: the parent aborts our tile (so its temporary files are
// removed) and then stops us; dying on the signal here would leave a partial file behind.
process.on("SIGINT", () => {});

// The parent is gone (killed, or a second Ctrl-C): abort the tile, so no partial file is left and no orphan works
// on; exit even if the tile does not stop (a stalled read).
process.on("disconnect", () => {
  current?.abort();
  setTimeout(() => process.exit(1), 2000).unref();
});

/** Sends to the parent while it listens (sending to a parent that is gone raises an error). */
function reply(result: TileResult): void {
  if (process.connected) process.send!(result);
}

process.on("message", async (message: TileJob | { abort: true }) => {
  if ("abort" in message) {
    current?.abort();
    return;
  }
  const job = message;
  const warnings: string[] = [];
  current = new AbortController();
  try {
    const options = { ...job.options, signal: current.signal, warn: (m: string) => warnings.push(m) };
    if (job.seamless) {
      const { handle, part } = await openSeamless(job.seamless, options);
      try {
        await processPart(handle, job.outputs, options, part);
      } finally {
        await handle.close();
      }
    } else {
      await processDem(job.input, job.outputs, options);
    }
    reply({ id: job.id, ok: true, warnings });
  } catch (error) {
    const message =
      error instanceof DemgradError ? error.message : `internal error: ${(error as Error)?.message}`;
    reply({ id: job.id, ok: false, error: message, warnings });
  }
});
