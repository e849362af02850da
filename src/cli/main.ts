/**
 * The command line: parse arguments, call the library, map errors to exit codes. Nothing else lives here.
 * Exit status: 0 success, 1 processing error, 2 usage error; every error line starts with `demgrad:`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { DemgradError, oneLine, UsageError } from "../errors.js";
import { outputError } from "../io/atomic.js";
import { attributeName } from "../options/schema.js";
// The pipeline (with the GeoTIFF, CRS and terrain modules behind it) loads when a command runs, not for --version
// or --help.
import { parseShard } from "../pipeline/shard.js";
import {
  BATCH_DEFAULT_PRODUCTS,
  PRODUCT_NAMES,
  PRODUCTS,
  type Product,
  type ProductOutputs,
} from "../products/registry.js";
import type { RegisteredProduct } from "../products/types.js";
import { integer } from "../validate.js";
import {
  commonOptions,
  productOptions,
  type RawOptions,
  toProcessOptions,
  withOptions,
} from "./common-options.js";
import { progressBar } from "./progress.js";
import { addTilesCommand } from "./tiles.js";

const EXAMPLES = `
Examples:
  demgrad info dem.tif --json
  demgrad slope dem.tif slope.tif                      true ground metres, degrees
  demgrad aspect dem.tif aspect.tif                    compass bearing from true north
  demgrad hillshade dem.tif shade.png -z 2             grey PNG with a world file
  demgrad terrain dem.tif --slope s.tif --hillshade h.png
  demgrad slope dem.tif s.tif --compat gdaldem         gdaldem slope's values

Exit status: 0 success, 1 processing error, 2 usage error. Set DEMGRAD_DEBUG=1 for stack traces.`;

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * Writes to standard output and waits until the text is out: a failed write (`> /dev/full`, a closed pipe) becomes
 * one `demgrad:` line and exit status 1, not an unhandled stream error.
 */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) =>
      error ? reject(outputError("standard output", error)) : resolve(),
    );
  });
}

/** A failed write is reported by writeStdout's callback: the stream's 'error' event must not end the process. */
function ignoreStreamError(): void {}

/**
 * Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) abort the run, so the writers remove their temporary
 * files before the process ends. Returns the function that stops listening.
 */
function abortOnSignals(controller: AbortController): () => void {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = () => controller.abort();
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/** Runs one product command or `terrain`. */
async function runProducts(
  dem: string,
  outputs: ProductOutputs,
  raw: RawOptions,
  label: string,
): Promise<void> {
  const bar = progressBar(label, raw["quiet"] === true);
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    if (raw["verbose"] === true) await tellDeflateBackend();
    const { processDem } = await import("../pipeline/process.js");
    await processDem(dem, outputs, {
      ...toProcessOptions(raw),
      signal: controller.signal,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.finish();
    stopListening();
  }
}

/**
 * `--verbose`: which library compresses DEFLATE tiles and whether the native kernels compute, and why not when
 * they do not.
 */
async function tellDeflateBackend(): Promise<void> {
  const { deflateBackend, deflateFallbackReason } = await import("../io/libdeflate.js");
  const { nativeFallbackReason } = await import("../native.js");
  const deflate =
    deflateBackend() === "libdeflate"
      ? "DEFLATE through libdeflate"
      : `DEFLATE through node:zlib (${deflateFallbackReason() ?? "libdeflate not loaded"})`;
  const fallback = nativeFallbackReason();
  const kernels = fallback === undefined ? "native kernels" : `JavaScript kernels (${fallback})`;
  for (const note of [deflate, kernels]) process.stderr.write(`${oneLine(`demgrad: note: ${note}`)}\n`);
}

/** Raised after a batch in which some tiles failed (each already reported): exit status 1. */
class BatchFailed extends Error {}

async function runBatch(inputs: string[], raw: RawOptions): Promise<number> {
  const quiet = raw["quiet"] === true;
  const bar = progressBar("tiles", quiet);
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    const { processBatch } = await import("../pipeline/batch.js");
    const result = await processBatch(inputs, {
      ...toProcessOptions(raw),
      outputDir: String(raw["output"]),
      products: String(raw["products"])
        .split(",")
        .map((p) => p.trim()) as Product[],
      hillshadeFormat: raw["hillshadeFormat"] as "png" | "tif",
      ...(typeof raw["jobs"] === "string" ? { jobs: raw["jobs"] } : {}),
      overwrite: raw["overwrite"] === true,
      seamless: raw["seamless"] === true,
      ...(typeof raw["shard"] === "string"
        ? { shard: parseShard(raw["shard"], { shardCount: raw["shardCount"] as string | undefined }) }
        : {}),
      ...(typeof raw["report"] === "string" ? { report: raw["report"] } : {}),
      signal: controller.signal,
      onTile: (done, total) => bar.update(done, total),
    });
    bar.finish();
    for (const tile of result.tiles) {
      if (tile.status === "failed")
        process.stderr.write(`${oneLine(`demgrad: ${tile.input}: ${tile.error}`)}\n`);
    }
    if (!quiet) {
      await writeStdout(
        `${result.tiles.length} tiles: ${result.done} done, ${result.skipped} skipped (already done), ${result.failed} failed, ${result.seconds.toFixed(1)} s\n`,
      );
    }
    return result.failed > 0 ? 1 : 0;
  } finally {
    bar.finish();
    stopListening();
  }
}

/** `a, b and c`. */
const listed = (names: readonly string[]) =>
  names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

/**
 * `demgrad <product> <dem> <out>`, with the product's own positional files (all optional) between the two:
 * `demgrad color-relief <dem> [color-file] <out>`. Each fills the product option of its key.
 */
function addProductCommand(program: Command, definition: RegisteredProduct): void {
  const name = definition.name;
  const extras = definition.arguments ?? [];
  const command = program
    .command(name)
    .description(definition.description)
    .argument("<dem>", "input DEM") as unknown as Command<string[]>;
  for (const extra of extras) command.argument(`[${extra.name}]`, extra.help);
  // Optional positionals come before it, so commander cannot require it: checked below.
  command.argument(extras.length > 0 ? "[out]" : "<out>", definition.outputHelp);
  if (extras.length > 0) command.usage(`[options] <dem> ${extras.map((e) => `[${e.name}]`).join(" ")} <out>`);
  withOptions(command, [...productOptions(name), ...commonOptions()]).action(async (...args: unknown[]) => {
    const positionals = args.slice(0, extras.length + 2) as Array<string | undefined>;
    const raw = { ...(args[extras.length + 2] as RawOptions) };
    const [dem, ...rest] = positionals;
    const given = rest.filter((value) => value !== undefined) as string[];
    const out = given.pop();
    if (out === undefined) throw new UsageError("missing required argument 'out'");
    given.forEach((value, k) => {
      const spec = definition.options.find((o) => o.key === extras[k]!.key)!;
      const attribute = attributeName(spec.flags);
      if (raw[attribute] !== undefined) {
        throw new UsageError(
          `the ${extras[k]!.name} is given twice: as an argument and as ${spec.flags.split(" ")[0]}`,
        );
      }
      raw[attribute] = value;
    });
    await runProducts(dem!, { [name]: out }, raw, name);
  });
}

/** Builds the commander program; `main` runs it. */
export function buildProgram(): Command {
  const program = new Command()
    .name("demgrad")
    .description(
      `Terrain analysis of DEM GeoTIFFs in true ground metres: ${listed(PRODUCT_NAMES)}; ` +
        "numpy-exact by default, gdaldem-compatible on request (--compat gdaldem).",
    )
    .version(packageVersion(), "-V, --version")
    .showSuggestionAfterError()
    // Each command as its usage line shows it (a product's optional files come before its required output), the
    // descriptions still wrapped beside those longer terms.
    .configureHelp({
      subcommandTerm: (command) => `${command.name()} ${command.usage()}`.trimEnd(),
      minWidthToWrap: 24,
    })
    .addHelpText("after", EXAMPLES);

  program
    .command("info")
    .description("describe a DEM: size, type, nodata, CRS, ground spacing in metres, elevation range")
    .argument("<dem>", "DEM GeoTIFF or GDAL VRT mosaic (path or http(s) URL)")
    .option("--json", "print one JSON object")
    .option("-b, --band <n>", "band to describe", "1")
    .action(async (dem, opts) => {
      const { describeDem, formatDemInfo } = await import("../pipeline/info.js");
      const info = await describeDem(dem, { band: integer("band", opts.band, { min: 1 }) });
      await writeStdout(opts.json ? `${JSON.stringify(info)}\n` : `${formatDemInfo(info)}\n`);
    });

  for (const definition of PRODUCTS) addProductCommand(program, definition);

  const terrain = program
    .command("terrain")
    .description("several products from one read of the DEM")
    .argument("<dem>", "input DEM");
  for (const { name, outputHelp } of PRODUCTS) terrain.option(`--${name} <file>`, `${name} ${outputHelp}`);
  withOptions(terrain, [...productOptions(), ...commonOptions()]).action(async (dem, opts) => {
    const raw = opts as RawOptions;
    const outputs: ProductOutputs = {};
    for (const name of PRODUCT_NAMES) {
      const file = raw[attributeName(`--${name}`)];
      if (typeof file === "string") outputs[name] = file;
    }
    if (Object.keys(outputs).length === 0) {
      throw new UsageError(`terrain needs at least one of ${PRODUCT_NAMES.map((p) => `--${p}`).join(", ")}`);
    }
    await runProducts(dem, outputs, raw, "terrain");
  });

  withOptions(
    program
      .command("batch")
      .description(
        "process many DEM tiles in parallel: resumable, failure-isolated, shardable across a job array",
      )
      .argument("<inputs...>", "DEM files or patterns like 'tiles/*.tif' (http(s) URLs too)")
      .requiredOption("-o, --output <dir>", "output folder: <dir>/<tile>.<product>.<ext>")
      .option(
        "--products <list>",
        `comma-separated: ${PRODUCT_NAMES.join(",")}`,
        BATCH_DEFAULT_PRODUCTS.join(","),
      )
      .option("--hillshade-format <ext>", "png or tif", "png")
      .option("--jobs <n>", "tiles processed at once (default: number of cores)")
      .option(
        "--seamless",
        "read a halo from neighbouring tiles (same CRS and pixel grid): no seams in the mosaic",
      )
      .option("--shard <k/n|auto>", "process every n-th input starting at k; auto reads the job array index")
      .option("--shard-count <n>", "with --shard auto in a Kubernetes Indexed Job: the number of completions")
      .option("--overwrite", "redo tiles whose outputs exist (default: skip them)")
      .option("--report <file>", "write per-tile status, timings and errors as JSON"),
    [...productOptions(), ...commonOptions()],
  ).action(async (inputs, opts) => {
    const raw = opts as RawOptions;
    const code = await runBatch(inputs, raw);
    if (code !== 0) throw new BatchFailed();
  });

  addTilesCommand(program);
  return program;
}

/** Prints one `demgrad:` line for an error and returns the exit status. */
export function reportError(error: unknown, stderr: (line: string) => void): number {
  if (process.env["DEMGRAD_DEBUG"] === "1" && error instanceof Error && error.stack) stderr(error.stack);
  if (error instanceof DemgradError) {
    stderr(oneLine(`demgrad: ${error.file ? `${error.file}: ` : ""}${error.message}`));
    return error.code === "USAGE" ? 2 : error.code === "ABORTED" ? 130 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr(oneLine(`demgrad: internal error: ${message} (set DEMGRAD_DEBUG=1 for details)`));
  return 1;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const errLines: string[] = [];
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => errLines.push(s) });
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ writeErr: (s) => errLines.push(s) });
  }
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  if (!process.stdout.listeners("error").includes(ignoreStreamError))
    process.stdout.on("error", ignoreStreamError);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (error.exitCode === 0) return 0;
      if (error.code === "commander.help" || error.code === "commander.helpDisplayed") {
        process.stderr.write(errLines.join(""));
        return 2;
      }
      stderr(oneLine(`demgrad: ${error.message.replace(/^error: /, "").trimEnd()}`));
      return 2;
    }
    if (error instanceof BatchFailed) return 1;
    return reportError(error, stderr);
  }
}
