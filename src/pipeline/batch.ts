/**
 * Batch processing of DEM tiles (DESIGN §9): a pool of worker processes, resume (outputs are atomic, so existing ones
 * are finished work), failure isolation (a bad tile or a dead worker fails that tile only), a JSON report, and
 * deterministic shards for cluster job arrays.
 */

import { type ChildProcess, fork } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { readdir, unlink, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { globSync, isDynamicPattern } from "tinyglobby";
import { AbortError, OutputError, UsageError, type WarningHandler, warnToStderr } from "../errors.js";
import type { Georef } from "../geo/types.js";
import { AtomicFiles, outputError } from "../io/atomic.js";
import { openDem } from "../io/dem-reader.js";
import {
  BATCH_DEFAULT_PRODUCTS,
  PRODUCT_NAMES,
  type Product,
  type ProductOutputs,
  productDefinition,
} from "../products/registry.js";
import { integer, oneOf } from "../validate.js";
import type { TileJob, TileResult } from "./batch-worker.js";
import { stripRowsFor } from "./derivative-plan.js";
import { type ElevationRange, elevationRange, unionRange } from "./elevation-range.js";
import { buildMosaics, type Mosaic, type SeamlessPlan, seamlessPlan } from "./mosaic.js";
import { type ProcessOptions, refuseUnsupportedMethods, resolveOptions } from "./options.js";
import { type Shard, shardInputs } from "./shard.js";

export interface BatchOptions extends Omit<ProcessOptions, "onProgress"> {
  /** Created (with its parents) if missing. */
  outputDir: string;
  products?: Product[];
  /** Tiles processed at once (worker processes; default: number of cores). */
  jobs?: number | string;
  overwrite?: boolean;
  shard?: Shard;
  hillshadeFormat?: "png" | "tif";
  /** Read a halo from neighbouring tiles (same CRS and pixel grid) so the mosaic of outputs has no seams. */
  seamless?: boolean;
  /**
   * Write the JSON report here: checked before any work (never an input, a tile output or a file other than a
   * previous report), written at the end even when tiles failed or the batch was interrupted.
   */
  report?: string;
  /** Called after each tile with the number of tiles finished, the total and the failures so far. */
  onTile?: (done: number, total: number, failed: number) => void;
}

export interface TileReport {
  input: string;
  /** `interrupted`: stopped, or never started, because the batch was interrupted. */
  status: "done" | "skipped" | "failed" | "interrupted";
  outputs: ProductOutputs;
  seconds: number;
  error?: string;
}

export interface BatchResult {
  tiles: TileReport[];
  done: number;
  skipped: number;
  failed: number;
  interrupted: number;
  seconds: number;
}

/** How long workers get to abort their tiles (removing their own temporary files) before they are killed. */
const ABORT_GRACE_MS = 3000;

const isUrl = (input: string) => /^https?:\/\//i.test(input);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The file an input names: `a/x.tif` and `./a/x.tif` are one tile. */
const inputKey = (input: string) => (isUrl(input) ? input : resolve(input));

/** A tile's name in its outputs: the input's file name without extension (a URL's query left out). */
function tileName(input: string): string {
  const path = input.replace(/[?#].*$/, "");
  return basename(path, extname(path));
}

/**
 * Expands glob patterns (`*`, `?`, `**`, `[…]`, `{a,b}`, in any path component) with tinyglobby: the shell usually
 * does this, but quoted patterns reach us. A file named twice (`a/x.tif`, `./a/x.tif`) is listed once.
 */
export function expandInputs(patterns: string[]): string[] {
  const files = new Map<string, string>();
  const add = (file: string) => {
    if (!files.has(inputKey(file))) files.set(inputKey(file), file);
  };
  for (const pattern of patterns) {
    if (isUrl(pattern) || !isDynamicPattern(pattern)) {
      add(pattern);
      continue;
    }
    // Matches keep the pattern's form: relative to the working folder, or absolute.
    const matches = globSync(pattern, {
      onlyFiles: true,
      expandDirectories: false,
      absolute: isAbsolute(pattern),
    });
    if (matches.length === 0) throw new UsageError(`no file matches ${pattern}`);
    for (const f of matches) add(f);
  }
  return [...files.values()].sort();
}

/** `<tile>.<product>.<anything>`: a product output or one of its sidecars (`.pgw`, `.png.aux.xml`). */
const OUTPUT_NAME = new RegExp(`^(.+)\\.(?:${PRODUCT_NAMES.join("|")})\\..+$`);

/**
 * Leaves out demgrad's own outputs found next to their tile (`x.slope.tif`, `x.hillshade.png`, `x.hillshade.pgw`
 * beside `x.tif`): with `-o` at the input folder, a re-run would otherwise take them for new tiles.
 */
function withoutOwnOutputs(inputs: string[]): string[] {
  const local = inputs.filter((input) => !isUrl(input));
  const tiles = new Set(local.map((input) => join(dirname(resolve(input)), tileName(input))));
  return inputs.filter((input) => {
    const match = isUrl(input) ? null : OUTPUT_NAME.exec(basename(input));
    return !match || !tiles.has(join(dirname(resolve(input)), match[1]!));
  });
}

/** `<dir>/<tile>.<product>.<ext>`: `hillshadeFormat` for every product that can be a PNG, else its format. */
export function tileOutputs(
  input: string,
  dir: string,
  products: Product[],
  hillshadeFormat: "png" | "tif",
): ProductOutputs {
  const name = tileName(input);
  const outputs: ProductOutputs = {};
  for (const p of products) {
    const { formats } = productDefinition(p);
    outputs[p] = join(dir, `${name}.${p}.${formats.includes("png") ? hillshadeFormat : "tif"}`);
  }
  return outputs;
}

/**
 * Refuses, before any work, a batch that would lose or destroy a result: two inputs with the same tile name
 * (their outputs would overwrite each other) or an input that a tile output would overwrite.
 */
function checkOutputNames(inputs: string[], outputs: Map<string, ProductOutputs>): void {
  const byName = new Map<string, string>();
  for (const input of inputs) {
    // Case folded: on macOS and Windows file systems X.tif and x.tif have the same outputs.
    const name = tileName(input).toLowerCase();
    const other = byName.get(name);
    if (other !== undefined) {
      throw new UsageError(
        `has the same file name as ${input}, so their outputs would overwrite each other: process them with different -o folders, or rename one`,
        { file: other },
      );
    }
    byName.set(name, input);
  }
  const local = new Map(inputs.filter((i) => !isUrl(i)).map((i) => [resolve(i), i]));
  for (const [input, products] of outputs) {
    for (const [product, path] of Object.entries(products)) {
      const victim = local.get(resolve(path));
      if (victim !== undefined) {
        throw new UsageError(
          `is an input, and the ${product} of ${input} would overwrite it: choose another -o folder`,
          {
            file: victim,
          },
        );
      }
    }
  }
}

/** Whether `path` holds a demgrad batch report (which a new report may replace). */
function isBatchReport(path: string): boolean {
  try {
    // Look at the first byte before reading the whole file: it may be a large DEM.
    const fd = openSync(path, "r");
    const first = Buffer.alloc(1);
    try {
      readSync(fd, first, 0, 1, 0);
    } finally {
      closeSync(fd);
    }
    if (first.toString() !== "{") return false;
    const report = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return (
      Array.isArray(report["tiles"]) &&
      ["done", "skipped", "failed"].every((k) => typeof report[k] === "number")
    );
  } catch {
    return false;
  }
}

/**
 * Refuses a report path that would destroy something: an input, a tile output, a folder, or an existing file that
 * is not a previous demgrad batch report.
 */
function checkReportPath(path: string, inputs: string[], outputs: string[]): void {
  const target = resolve(path);
  if (inputs.some((input) => !isUrl(input) && resolve(input) === target)) {
    throw new UsageError("is an input: the report would overwrite it; choose another --report file", {
      file: path,
    });
  }
  if (outputs.some((output) => resolve(output) === target)) {
    throw new UsageError("is a tile output: choose another --report file", { file: path });
  }
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory())
    throw new UsageError("is a folder: --report names a file", { file: path });
  if (!isBatchReport(path)) {
    throw new UsageError(
      "exists and is not a demgrad batch report: choose another --report file, or remove it",
      {
        file: path,
      },
    );
  }
}

/** `mkdir -p`, refusing a file in the way. */
function createFolder(path: string): void {
  if (existsSync(path) && !statSync(path).isDirectory()) {
    throw new OutputError("is not a folder: choose another output folder", { file: path });
  }
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw outputError(path, error);
  }
}

/**
 * Removes the temporary files a dead worker left for a tile. src/io/atomic.ts names them `.<file>.<pid>.<hex>.tmp`
 * next to each output and sidecar (`<tile>.<product>.*`); the PNG writer's scratch rows add `.grey.tif`,
 * `.alpha.tif` or `.band<n>.tif` to such a name, and are written in turn under
 * `..<output>.<pid>.<hex>.tmp.grey.tif.<pid>.<hex>.tmp`.
 * The pid makes them this worker's.
 */
async function removeTemporaryFiles(outputs: ProductOutputs, pid: number): Promise<void> {
  const folders = new Map<string, RegExp[]>();
  for (const path of Object.values(outputs)) {
    const prefix = `${basename(path, extname(path))}.`;
    const pattern = new RegExp(`^\\.\\.?${escapeRegExp(prefix)}.*\\.${pid}\\.[0-9a-f]{8}\\.tmp`);
    folders.set(dirname(path), [...(folders.get(dirname(path)) ?? []), pattern]);
  }
  await Promise.all(
    [...folders].map(async ([folder, patterns]) => {
      const names = await readdir(folder).catch(() => [] as string[]);
      const mine = names.filter((name) => patterns.some((pattern) => pattern.test(name)));
      await Promise.all(mine.map((name) => unlink(join(folder, name)).catch(() => {})));
    }),
  );
}

/** How a worker process ended, for the report. */
function deathReason(code: number | null, signal: NodeJS.Signals | null): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return `the worker process for this tile ${how}${signal === "SIGKILL" ? " (out of memory?)" : ""}`;
}

const startFailure = (error: unknown) =>
  `the worker process for this tile could not start (${(error as Error)?.message ?? error})`;

/**
 * Strip threads per tile when `jobs` tiles run at once on `cores` cores: the threads asked for (default 1: tiles
 * already run in parallel, one per process), but never so many that jobs × threads exceeds the cores (at least 1).
 *
 * @example
 * ```ts
 * tileThreads(2, undefined, 8); // 1
 * tileThreads(2, 4, 8); // 4
 * tileThreads(4, 4, 8); // 2
 * ```
 */
export function tileThreads(jobs: number, requested: number | string | undefined, cores: number): number {
  const asked = requested === undefined ? 1 : Number(requested);
  return Math.max(1, Math.min(asked, Math.floor(cores / Math.max(1, jobs))));
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
  const products = options.products ?? [...BATCH_DEFAULT_PRODUCTS];
  for (const p of products) oneOf("products", p, PRODUCT_NAMES);
  if (products.length === 0) throw new UsageError("--products names no product");
  const hillshadeFormat = oneOf("hillshade format", options.hillshadeFormat ?? "png", ["png", "tif"]);
  const jobs = integer("jobs", options.jobs ?? availableParallelism(), { min: 1, max: 256 });
  // Validate the processing options once, here, rather than in every tile.
  refuseUnsupportedMethods(products, resolveOptions(options), options);
  const { outputDir, overwrite, shard, onTile, signal, report } = options;
  const {
    warn: _w,
    signal: _s,
    onTile: _t,
    outputDir: _o,
    products: _p,
    jobs: _j,
    shard: _h,
    report: _r,
    seamless,
    ...processOptions
  } = options;
  // Every check over all shards' tiles, so that every task of a job array accepts or refuses the same batch.
  const all = withoutOwnOutputs(expandInputs(inputs));
  const mine = shardInputs(all, shard);
  const outputs = new Map(
    all.map((input) => [input, tileOutputs(input, outputDir, products, hillshadeFormat)]),
  );
  checkOutputNames(all, outputs);
  if (report !== undefined) {
    checkReportPath(
      report,
      all,
      [...outputs.values()].flatMap((o) => Object.values(o)),
    );
  }
  createFolder(outputDir);
  if (report !== undefined) createFolder(dirname(resolve(report)));
  // Seamless: every input's georeferencing (also other shards' tiles: they are our neighbours).
  const plans = seamless
    ? await planSeamless(all, mine, processOptions, warn, products, signal)
    : new Map<string, SeamlessPlan>();
  const tiles: TileReport[] = mine.map((input) => ({
    input,
    // Until processed: a tile the batch does not reach (interrupted) keeps this.
    status: "interrupted",
    outputs: outputs.get(input)!,
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
  const settle = (tile: TileReport, start: number, error: string | undefined) => {
    tile.seconds = (performance.now() - start) / 1000;
    if (error === undefined) tile.status = "done";
    // A tile that ends in error while the batch stops was (most likely) stopped by it.
    else if (signal?.aborted) tile.status = "interrupted";
    else {
      tile.status = "failed";
      tile.error = error;
      failed++;
    }
    finished++;
    onTile?.(finished, tiles.length, failed);
  };

  const workerScript = fileURLToPath(new URL("./batch-worker.js", import.meta.url));
  const workers = Math.min(jobs, todo.length);
  const threads = tileThreads(workers, processOptions.threads, availableParallelism());
  if (workers > 0 && processOptions.threads !== undefined && threads < Number(processOptions.threads)) {
    warn(
      `--threads ${processOptions.threads} with ${workers} tiles at once would run more strip threads than the ` +
        `${availableParallelism()} cores: each tile uses ${threads}`,
    );
  }
  const tileOptions = { ...processOptions, threads };
  const live = new Set<ChildProcess>();
  let next = 0;

  /**
   * One worker process taking tiles until none is left; resolves once it has exited. A worker that dies (killed,
   * out of memory, a native crash) fails its tile only: its temporary files are removed and a new worker takes
   * the remaining tiles (each death costs one tile, so this ends). Never rejects.
   */
  const runWorker = (): Promise<void> =>
    new Promise<void>((resolveWorker) => {
      let worker: ChildProcess;
      try {
        worker = fork(workerScript, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
      } catch (error) {
        // Not even started (ENOMEM…): like a worker that died at once, it costs the next tile.
        if (signal?.aborted || next >= todo.length) return resolveWorker();
        settle(todo[next++]!, performance.now(), startFailure(error));
        return void runWorker().then(resolveWorker);
      }
      live.add(worker);
      let current: { tile: TileReport; start: number } | undefined;
      let ended = false;
      const sendNext = () => {
        current = undefined;
        if (signal?.aborted || next >= todo.length) {
          worker.kill();
          return;
        }
        const id = next++;
        const tile = todo[id]!;
        const plan = plans.get(tile.input);
        current = { tile, start: performance.now() };
        const job: TileJob = {
          id,
          input: tile.input,
          outputs: tile.outputs,
          options: tileOptions,
          ...(plan ? { seamless: plan } : {}),
        };
        // A lost channel means a dying worker: its exit is handled below.
        worker.send(job, (error) => error && worker.kill("SIGKILL"));
      };
      const onEnd = async (reason: string, pid: number | undefined) => {
        if (ended) return;
        ended = true;
        live.delete(worker);
        const lost = current;
        current = undefined;
        if (lost) {
          if (pid !== undefined) await removeTemporaryFiles(lost.tile.outputs, pid);
          settle(lost.tile, lost.start, reason);
          if (!signal?.aborted && next < todo.length) await runWorker();
        }
        resolveWorker();
      };
      worker.on("message", (result: TileResult) => {
        if (!current) return;
        for (const w of result.warnings) warn(`${current.tile.input}: ${w}`);
        settle(current.tile, current.start, result.ok ? undefined : (result.error ?? "failed"));
        sendNext();
      });
      worker.on("error", (error) => {
        // Not started at all (no exit event may follow), or the channel broke (the exit handler cleans up).
        if (worker.pid === undefined) void onEnd(startFailure(error), undefined);
        else worker.kill("SIGKILL");
      });
      worker.on("exit", (code, exitSignal) => void onEnd(deathReason(code, exitSignal), worker.pid));
      sendNext();
    });

  // Interrupted: each worker aborts its tile (removing its temporary files) and takes no more; a worker that does
  // not stop in time (hung in a read or a native call, or stopped) is killed and its temporary files removed here.
  let killTimer: NodeJS.Timeout | undefined;
  const abortTiles = () => {
    for (const worker of live) worker.send({ abort: true }, () => {});
    killTimer = setTimeout(() => {
      for (const worker of live) worker.kill("SIGKILL");
    }, ABORT_GRACE_MS);
  };
  signal?.addEventListener("abort", abortTiles, { once: true });
  try {
    await Promise.all(Array.from({ length: workers }, runWorker));
  } finally {
    signal?.removeEventListener("abort", abortTiles);
    clearTimeout(killTimer);
    for (const worker of live) worker.kill("SIGKILL");
  }
  const count = (status: TileReport["status"]) => tiles.filter((t) => t.status === status).length;
  const result: BatchResult = {
    tiles,
    done: count("done"),
    skipped: count("skipped"),
    failed,
    interrupted: count("interrupted"),
    seconds: (performance.now() - started) / 1000,
  };
  if (report !== undefined) await writeBatchReport(report, result);
  if (signal?.aborted) throw new AbortError();
  return result;
}

/**
 * Seamless plans for this shard's tiles; unreadable tiles are left to fail on their own later. When a product needs
 * the elevation range, each mosaic's is found once from all its tiles, so every tile is coloured as the mosaic.
 */
async function planSeamless(
  all: string[],
  mine: string[],
  options: ProcessOptions,
  warn: WarningHandler,
  products: Product[],
  signal: AbortSignal | undefined,
): Promise<Map<string, SeamlessPlan>> {
  const resolved = resolveOptions(options);
  const { band, nodata } = resolved;
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
  const needsRange = products.some((p) => productDefinition(p).needs(resolved).elevationRange);
  const ranges = new Map<Mosaic, ElevationRange | undefined>();
  const plans = new Map<string, SeamlessPlan>();
  for (const input of mine) {
    const mosaic = mosaics.get(input);
    const header = headers.find((h) => h.input === input);
    if (!mosaic || !header) continue;
    const plan = seamlessPlan(mosaic, input, header.georef);
    if (needsRange) {
      if (!ranges.has(mosaic)) ranges.set(mosaic, await mosaicRange(mosaic, { band, nodata }, signal));
      plan.elevationRange = ranges.get(mosaic);
    }
    plans.set(input, plan);
  }
  return plans;
}

/** The elevation range of every tile of a mosaic together; unreadable tiles are left to fail on their own. */
async function mosaicRange(
  mosaic: Mosaic,
  open: { band: number; nodata: number | undefined },
  signal: AbortSignal | undefined,
): Promise<ElevationRange | undefined> {
  const ranges: Array<ElevationRange | undefined> = [];
  for (const tile of mosaic.tiles) {
    try {
      const dem = await openDem(tile.input, { ...open, warn: () => {} });
      try {
        ranges.push(await elevationRange(dem, stripRowsFor(dem.width), signal));
      } finally {
        await dem.close();
      }
    } catch (error) {
      if (error instanceof AbortError) throw error;
    }
  }
  return unionRange(ranges);
}

/**
 * Writes the per-tile report as JSON, atomically. Refuses to replace an input, a tile output or an existing file
 * that is not a previous report.
 */
export async function writeBatchReport(path: string, result: BatchResult): Promise<void> {
  checkReportPath(
    path,
    result.tiles.map((tile) => tile.input),
    result.tiles.flatMap((tile) => Object.values(tile.outputs)),
  );
  const files = new AtomicFiles(path);
  try {
    await writeFile(files.add(path), `${JSON.stringify(result, null, 2)}\n`);
    await files.commit();
  } catch (error) {
    await files.discard();
    throw outputError(path, error);
  }
}
