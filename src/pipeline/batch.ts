/**
 * Batch processing of DEM tiles (DESIGN §9): a pool of worker processes, resume (outputs are atomic, so existing ones
 * are finished work), failure isolation, a JSON report, and deterministic shards for cluster job arrays.
 */

import { type ChildProcess, fork } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AbortError, OutputError, UsageError, type WarningHandler, warnToStderr } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { openDem } from "../io/dem-reader.js";
import { integer, oneOf } from "../validate.js";
import type { TileJob, TileResult } from "./batch-worker.js";
import { buildMosaics, type SeamlessPlan, seamlessPlan } from "./mosaic.js";
import { type ProcessOptions, resolveOptions } from "./options.js";
import { PRODUCTS, type Product, type ProductOutputs } from "./process.js";
import { type Shard, shardInputs } from "./shard.js";

export interface BatchOptions extends Omit<ProcessOptions, "onProgress"> {
  outputDir: string;
  products?: Product[];
  /** Tiles processed at once (worker processes; default: number of cores). */
  jobs?: number | string;
  overwrite?: boolean;
  shard?: Shard;
  hillshadeFormat?: "png" | "tif";
  /** Read a halo from neighbouring tiles (same CRS and pixel grid) so the mosaic of outputs has no seams. */
  seamless?: boolean;
  /** Called after each tile with the number of tiles finished, the total and the failures so far. */
  onTile?: (done: number, total: number, failed: number) => void;
}

export interface TileReport {
  input: string;
  status: "done" | "skipped" | "failed";
  outputs: ProductOutputs;
  seconds: number;
  error?: string;
}

export interface BatchResult {
  tiles: TileReport[];
  done: number;
  skipped: number;
  failed: number;
  seconds: number;
}

/** Expands `*` and `?` in the last path component (the shell usually does this; quoted patterns reach us). */
export function expandInputs(patterns: string[]): string[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    if (/^https?:\/\//i.test(pattern) || !/[*?]/.test(basename(pattern))) {
      files.add(pattern);
      continue;
    }
    const dir = dirname(pattern);
    const regex = new RegExp(
      `^${basename(pattern)
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    const matches = existsSync(dir) ? readdirSync(dir).filter((f) => regex.test(f)) : [];
    if (matches.length === 0) throw new UsageError(`no file matches ${pattern}`);
    for (const f of matches) files.add(join(dir, f));
  }
  return [...files].sort();
}

/** `<dir>/<tile>.<product>.<ext>`. */
export function tileOutputs(
  input: string,
  dir: string,
  products: Product[],
  hillshadeFormat: "png" | "tif",
): ProductOutputs {
  const name = basename(input.replace(/[?#].*$/, ""), extname(input.replace(/[?#].*$/, "")));
  const outputs: ProductOutputs = {};
  for (const p of products)
    outputs[p] = join(dir, `${name}.${p}.${p === "hillshade" ? hillshadeFormat : "tif"}`);
  return outputs;
}

/**
 * Processes many DEM tiles with the options of a single run.
 *
 * @example
 * ```ts
 * import { processBatch } from "demgrad";
 * const result = await processBatch(["tiles/a.tif", "tiles/b.tif"], { outputDir: "out", products: ["slope"] });
 * console.log(result.done, result.failed);
 * ```
 */
export async function processBatch(inputs: string[], options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const warn: WarningHandler = options.warn ?? warnToStderr;
  const products = options.products ?? ["slope", "aspect", "hillshade"];
  for (const p of products) oneOf("products", p, PRODUCTS);
  if (products.length === 0) throw new UsageError("--products names no product");
  const hillshadeFormat = oneOf("hillshade format", options.hillshadeFormat ?? "png", ["png", "tif"]);
  const jobs = integer("jobs", options.jobs ?? availableParallelism(), { min: 1, max: 256 });
  // Validate the processing options once, here, rather than in every tile.
  resolveOptions(options);
  if (!existsSync(options.outputDir) || !statSync(options.outputDir).isDirectory()) {
    throw new OutputError("the output folder does not exist", { file: options.outputDir });
  }
  const { outputDir, overwrite, shard, onTile, signal } = options;
  const {
    warn: _w,
    signal: _s,
    onTile: _t,
    outputDir: _o,
    products: _p,
    jobs: _j,
    shard: _h,
    seamless,
    ...processOptions
  } = options;
  const all = expandInputs(inputs);
  const mine = shardInputs(all, shard);
  // Seamless: every input's georeferencing (also other shards' tiles: they are our neighbours).
  const plans = seamless
    ? await planSeamless(all, mine, processOptions, warn)
    : new Map<string, SeamlessPlan>();
  const tiles: TileReport[] = mine.map((input) => ({
    input,
    status: "done",
    outputs: tileOutputs(input, outputDir, products, hillshadeFormat),
    seconds: 0,
  }));
  const todo = tiles.filter((tile) => {
    const finished = Object.values(tile.outputs).every((path) => existsSync(path));
    if (finished && !overwrite) tile.status = "skipped";
    return tile.status !== "skipped";
  });
  let finished = tiles.length - todo.length;
  let failed = 0;
  onTile?.(finished, tiles.length, failed);

  const workerScript = fileURLToPath(new URL("./batch-worker.js", import.meta.url));
  const workers: ChildProcess[] = Array.from({ length: Math.min(jobs, todo.length) }, () =>
    fork(workerScript, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] }),
  );
  const pending = new Map<number, { tile: TileReport; start: number; resolve: () => void }>();
  let next = 0;
  // Ctrl-C: each worker aborts its tile (removing its temporary files) and takes no more.
  const abortTiles = () => {
    for (const w of workers) if (w.connected) w.send({ abort: true });
  };
  signal?.addEventListener("abort", abortTiles, { once: true });
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolveWorker, rejectWorker) => {
            const send = () => {
              if (signal?.aborted || next >= todo.length) return resolveWorker();
              const id = next++;
              const tile = todo[id]!;
              const plan = plans.get(tile.input);
              const job: TileJob = {
                id,
                input: tile.input,
                outputs: tile.outputs,
                // Tiles already run in parallel, one per process: one thread each unless asked otherwise.
                options: { ...processOptions, threads: processOptions.threads ?? 1 },
                ...(plan ? { seamless: plan } : {}),
              };
              pending.set(id, { tile, start: performance.now(), resolve: send });
              worker.send(job);
            };
            worker.on("message", (result: TileResult) => {
              const entry = pending.get(result.id)!;
              pending.delete(result.id);
              entry.tile.seconds = (performance.now() - entry.start) / 1000;
              for (const w of result.warnings) warn(`${entry.tile.input}: ${w}`);
              if (!result.ok) {
                entry.tile.status = "failed";
                entry.tile.error = result.error ?? "failed";
                failed++;
              }
              finished++;
              onTile?.(finished, tiles.length, failed);
              entry.resolve();
            });
            worker.on("error", rejectWorker);
            worker.on("exit", (code: number | null) => {
              if (![...pending.values()].some((p) => p.resolve === send)) return;
              // Stopped by Ctrl-C along with us: the run ends as interrupted below.
              if (signal?.aborted) resolveWorker();
              else rejectWorker(new Error(`a batch worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    signal?.removeEventListener("abort", abortTiles);
    for (const w of workers) w.kill();
  }
  if (signal?.aborted) throw new AbortError();
  return {
    tiles,
    done: tiles.filter((t) => t.status === "done").length,
    skipped: tiles.filter((t) => t.status === "skipped").length,
    failed,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Seamless plans for this shard's tiles; unreadable tiles are left to fail on their own later. */
async function planSeamless(
  all: string[],
  mine: string[],
  options: ProcessOptions,
  warn: WarningHandler,
): Promise<Map<string, SeamlessPlan>> {
  const { band, nodata } = resolveOptions(options);
  const headers: Array<{ input: string; georef: Georef }> = [];
  for (const input of all) {
    try {
      const dem = await openDem(input, { band, nodata, warn: () => {} });
      headers.push({ input, georef: dem.georef });
      await dem.close();
    } catch {
      // Reported when the tile itself is processed.
    }
  }
  const mosaics = buildMosaics(headers, warn);
  const plans = new Map<string, SeamlessPlan>();
  for (const input of mine) {
    const mosaic = mosaics.get(input);
    const header = headers.find((h) => h.input === input);
    if (mosaic && header) plans.set(input, seamlessPlan(mosaic, input, header.georef));
  }
  return plans;
}

/** Writes the per-tile report as JSON. */
export async function writeBatchReport(path: string, result: BatchResult): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    throw new OutputError(`cannot write the report: ${(error as Error).message}`, { file: path });
  }
}
