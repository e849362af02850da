/**
 * The command line: parse arguments, call the library, map errors to exit codes. Nothing else lives here.
 * Exit status: 0 success, 1 processing error, 2 usage error; every error line starts with `demgrad:`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { DemgradError, UsageError } from "../errors.js";
import { processBatch } from "../pipeline/batch.js";
import { describeDem, formatDemInfo } from "../pipeline/info.js";
import { PRODUCTS, type Product, type ProductOutputs, processDem } from "../pipeline/process.js";
import { parseShard } from "../pipeline/shard.js";
import {
  productOptions,
  type RawOptions,
  toProcessOptions,
  withCommonOptions,
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
  demgrad slope dem.tif s.tif --compat gdaldem         equals gdaldem slope

Exit status: 0 success, 1 processing error, 2 usage error. Set DEMGRAD_DEBUG=1 for stack traces.`;

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
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
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await processDem(dem, outputs, {
      ...toProcessOptions(raw),
      signal: controller.signal,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Raised after a batch in which some tiles failed (each already reported): exit status 1. */
class BatchFailed extends Error {}

async function runBatch(inputs: string[], raw: RawOptions): Promise<number> {
  const quiet = raw["quiet"] === true;
  const bar = progressBar("tiles", quiet);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
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
      if (tile.status === "failed") process.stderr.write(`demgrad: ${tile.input}: ${tile.error}\n`);
    }
    if (!quiet) {
      process.stdout.write(
        `${result.tiles.length} tiles: ${result.done} done, ${result.skipped} skipped (already done), ${result.failed} failed, ${result.seconds.toFixed(1)} s\n`,
      );
    }
    return result.failed > 0 ? 1 : 0;
  } finally {
    bar.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Builds the commander program; `main` runs it. */
export function buildProgram(): Command {
  const program = new Command()
    .name("demgrad")
    .description(
      "Terrain analysis of DEM GeoTIFFs in true ground metres: gradient, slope, aspect and hillshade; " +
        "numpy-exact by default, gdaldem-exact on request (--compat gdaldem).",
    )
    .version(packageVersion(), "-V, --version")
    .showSuggestionAfterError()
    .addHelpText("after", EXAMPLES);

  program
    .command("info")
    .description("describe a DEM: size, type, nodata, CRS, ground spacing in metres, elevation range")
    .argument("<dem>", "DEM GeoTIFF (path or http(s) URL)")
    .option("--json", "print one JSON object")
    .option("-b, --band <n>", "band to describe", "1")
    .action(async (dem, opts) => {
      const info = await describeDem(dem, { band: bandNumber(opts.band) });
      process.stdout.write(opts.json ? `${JSON.stringify(info)}\n` : `${formatDemInfo(info)}\n`);
    });

  const product = (name: Product, description: string, output: string) =>
    withCommonOptions(
      withOptions(
        program
          .command(name)
          .description(description)
          .argument("<dem>", "input DEM")
          .argument("<out>", output),
        name === "gradient" ? [] : productOptions[name](),
      ),
    ).action(async (dem, out, opts) => runProducts(dem, { [name]: out }, opts as RawOptions, name));
  product(
    "gradient",
    "write dz/dx (east) and dz/dy (north) in m/m as a 2-band Float32 GeoTIFF",
    "output .tif",
  );
  product("slope", "write slope (Float32 GeoTIFF, nodata -9999)", "output .tif");
  product(
    "aspect",
    "write aspect: the compass direction the slope faces, degrees clockwise from north",
    "output .tif",
  );
  product(
    "hillshade",
    "write a shaded relief: grey PNG (+ world file) or Byte GeoTIFF; 0 = nodata",
    "output .png or .tif",
  );

  withCommonOptions(
    withOptions(
      program
        .command("terrain")
        .description("several products from one read of the DEM")
        .argument("<dem>", "input DEM")
        .option("--slope <file>", "slope output .tif")
        .option("--aspect <file>", "aspect output .tif")
        .option("--hillshade <file>", "hillshade output .png or .tif")
        .option("--gradient <file>", "gradient output .tif"),
      [...productOptions.slope(), ...productOptions.aspect(), ...productOptions.hillshade()],
    ),
  ).action(async (dem, opts) => {
    const raw = opts as RawOptions;
    const outputs: ProductOutputs = {};
    for (const name of PRODUCTS) {
      if (typeof raw[name] === "string") outputs[name] = raw[name] as string;
    }
    if (Object.keys(outputs).length === 0) {
      throw new UsageError("terrain needs at least one of --slope, --aspect, --hillshade, --gradient");
    }
    await runProducts(dem, outputs, raw, "terrain");
  });

  withCommonOptions(
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
          "comma-separated: slope,aspect,hillshade,gradient",
          "slope,aspect,hillshade",
        )
        .option("--hillshade-format <ext>", "png or tif", "png")
        .option("--jobs <n>", "tiles processed at once (default: number of cores)")
        .option(
          "--seamless",
          "read a halo from neighbouring tiles (same CRS and pixel grid): no seams in the mosaic",
        )
        .option(
          "--shard <k/n|auto>",
          "process every n-th input starting at k; auto reads the job array index",
        )
        .option(
          "--shard-count <n>",
          "with --shard auto in a Kubernetes Indexed Job: the number of completions",
        )
        .option("--overwrite", "redo tiles whose outputs exist (default: skip them)")
        .option("--report <file>", "write per-tile status, timings and errors as JSON"),
      [...productOptions.slope(), ...productOptions.aspect(), ...productOptions.hillshade()],
    ),
  ).action(async (inputs, opts) => {
    const raw = opts as RawOptions;
    const code = await runBatch(inputs, raw);
    if (code !== 0) throw new BatchFailed();
  });

  addTilesCommand(program);
  return program;
}

function bandNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`Expected integer of at least 1 for band but received "${value}"`);
  return n;
}

/** Prints one `demgrad:` line for an error and returns the exit status. */
export function reportError(error: unknown, stderr: (line: string) => void): number {
  if (process.env["DEMGRAD_DEBUG"] === "1" && error instanceof Error && error.stack) stderr(error.stack);
  if (error instanceof DemgradError) {
    stderr(`demgrad: ${error.file ? `${error.file}: ` : ""}${error.message}`);
    return error.code === "USAGE" ? 2 : error.code === "ABORTED" ? 130 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr(`demgrad: internal error: ${message} (set DEMGRAD_DEBUG=1 for details)`);
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
      stderr(`demgrad: ${error.message.replace(/^error: /, "")}`);
      return 2;
    }
    if (error instanceof BatchFailed) return 1;
    return reportError(error, stderr);
  }
}
