/** `demgrad tiles`: web map tiles (XYZ folder or PMTiles) from DEMs, with a preview page and a local server. */
import { type Command, Option } from "@commander-js/extra-typings";
import { UsageError } from "../errors.js";
import { TILE_PRODUCTS } from "../tiles/products.js";
// The tile pipeline (readers, CRS libraries, renderers) loads when the command runs, not for --help or --version.
import type { TilesOptions } from "../tiles/pyramid.js";
import { commonOptions, productOptions, type RawOptions, toProcessOptions } from "./common-options.js";
import { progressBar } from "./progress.js";

/** Shared options that mean nothing for tiles (no GeoTIFF is written; --jobs sets the threads). */
const NOT_FOR_TILES = new Set(["--compress", "--threads"]);

/** Adds the `tiles` command to the program. */
export function addTilesCommand(program: Command): void {
  const command = program
    .command("tiles")
    .description(
      "web map tiles (Web Mercator XYZ PNG/WebP + tiles.json + a MapLibre preview page, or one .pmtiles archive)",
    )
    .argument(
      "<inputs...>",
      "DEM, or tiles of one pixel grid (files or patterns like 'tiles/*.tif'), then the output",
    )
    .addOption(
      new Option("--product <name>", "what the tiles show").choices([...TILE_PRODUCTS]).default("hillshade"),
    )
    .option("--zoom <range>", "zoom levels, e.g. 8-14 (default: up to the first zoom finer than the DEM)")
    .addOption(new Option("--tile-size <px>", "tile width and height").choices(["256", "512"]).default("256"))
    .addOption(new Option("--format <ext>", "tile image format").choices(["png", "webp"]).default("png"))
    .option("--jobs <n>", "threads rendering tiles (default: number of cores)")
    .option("--resume", "keep tiles that exist from an interrupted run (folder output)")
    .option("--serve [port]", "after writing, serve the folder's preview page on 127.0.0.1 until Ctrl-C");
  for (const option of productOptions("hillshade")) command.addOption(option as never);
  // The colour table of color-relief and relief tiles (always RGBA: nodata is transparent).
  for (const option of productOptions("color-relief"))
    if (option.long !== "--alpha") command.addOption(option as never);
  for (const option of commonOptions()) {
    if (!NOT_FOR_TILES.has(option.long ?? "")) command.addOption(option as never);
  }
  command.action(async (args, opts) => {
    const raw = opts as RawOptions;
    if (args.length < 2)
      throw new UsageError("tiles needs at least one DEM and an output folder or .pmtiles");
    const inputs = args.slice(0, -1);
    const output = args[args.length - 1]!;
    const serve = raw["serve"];
    if (serve !== undefined && /\.pmtiles$/i.test(output)) {
      throw new UsageError("--serve serves a tile folder's preview page, not a .pmtiles archive");
    }
    const quiet = raw["quiet"] === true;
    const bar = progressBar("tiles", quiet);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const { compress: _c, threads: _t, stripRows: _s, onProgress: _p, ...terrain } = toProcessOptions(raw);
      const { writeTiles } = await import("../tiles/pyramid.js");
      const result = await writeTiles(inputs, output, {
        ...terrain,
        product: raw["product"] as TilesOptions["product"],
        tileSize: raw["tileSize"] as string,
        format: raw["format"] as TilesOptions["format"],
        ...(typeof raw["zoom"] === "string" ? { zoom: raw["zoom"] } : {}),
        ...(typeof raw["jobs"] === "string" ? { jobs: raw["jobs"] } : {}),
        resume: raw["resume"] === true,
        signal: controller.signal,
        onTile: (done, total) => bar.update(done, total),
      });
      bar.finish();
      if (!quiet) {
        process.stdout.write(
          `${output}: zooms ${result.minzoom}–${result.maxzoom}, ${result.written} tiles written` +
            (result.kept > 0 ? `, ${result.kept} kept` : "") +
            `, ${result.empty} without data left out, ${result.seconds.toFixed(1)} s\n`,
        );
      }
    } finally {
      bar.finish();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    if (serve !== undefined) {
      const port = serve === true ? 0 : Number(serve);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`Expected port number for serve but received "${String(serve)}"`);
      }
      const { serveFolder } = await import("../tiles/serve.js");
      const server = await serveFolder(output, port);
      process.stdout.write(`preview: ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => process.once("SIGINT", resolve));
      await server.close();
    }
  });
}
