/**
 * The preview page of a tile folder: index.html with a MapLibre GL JS map of the tiles, MapLibre itself copied from
 * the npm package next to it (no CDN: the page works offline). Elevation encodings show as a raster-dem source with
 * a hillshade layer and 3D terrain.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OutputError } from "../errors.js";
import type { TileJson } from "./tilejson.js";

const MAPLIBRE_FILES = [
  "maplibre-gl.mjs",
  "maplibre-gl-shared.mjs",
  "maplibre-gl-worker.mjs",
  "maplibre-gl.css",
];

/** The folder of MapLibre's browser build, or undefined when the package is not installed. */
export function maplibreDist(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("maplibre-gl/package.json")), "dist");
  } catch {
    return undefined;
  }
}

/** The MapLibre style of the preview: the tiles over a plain background, terrain for elevation encodings. */
export function previewStyle(tiles: TileJson, tileUrl: string): Record<string, unknown> {
  const source = {
    tiles: [tileUrl],
    tileSize: tiles.tileSize,
    minzoom: tiles.minzoom,
    maxzoom: tiles.maxzoom,
    bounds: tiles.bounds,
  };
  const background = { id: "background", type: "background", paint: { "background-color": "#e8e4da" } };
  if (tiles.encoding) {
    return {
      version: 8,
      // MapLibre renders better when hillshade and 3D terrain read separate sources.
      sources: {
        dem: { type: "raster-dem", encoding: tiles.encoding, ...source },
        terrain: { type: "raster-dem", encoding: tiles.encoding, ...source },
      },
      layers: [background, { id: "hillshade", type: "hillshade", source: "dem" }],
      terrain: { source: "terrain", exaggeration: 1.5 },
    };
  }
  return {
    version: 8,
    sources: { tiles: { type: "raster", ...source } },
    layers: [background, { id: "tiles", type: "raster", source: "tiles" }],
  };
}

function page(tiles: TileJson): string {
  const [west, south, east, north] = tiles.bounds;
  const pitch = tiles.encoding ? 50 : 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(tiles.name)} — demgrad tiles</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="maplibre/maplibre-gl.css">
<style>html, body, #map { margin: 0; height: 100%; }</style>
</head>
<body>
<div id="map"></div>
<script type="module">
import { Map, NavigationControl } from "./maplibre/maplibre-gl.mjs";
const tiles = await (await fetch("tiles.json")).json();
// Tile URLs are relative to this page; MapLibre needs them absolute.
const base = location.href.replace(/[^/]*([?#].*)?$/, "");
const style = ${JSON.stringify(previewStyle(tiles, "TILE_URL"), null, 2).replaceAll('"TILE_URL"', "base + tiles.tiles[0]")};
const map = new Map({
  container: "map",
  style,
  bounds: [[${west}, ${south}], [${east}, ${north}]],
  pitch: ${pitch},
  fadeDuration: 0,
});
map.addControl(new NavigationControl({ visualizePitch: true }));
map.on("idle", () => { document.body.dataset.idle = "true"; });
window.map = map;
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Writes index.html and copies MapLibre into `dir/maplibre/`. */
export async function writePreview(dir: string, tiles: TileJson): Promise<void> {
  const dist = maplibreDist();
  if (!dist) {
    throw new OutputError("the preview page needs the maplibre-gl package: npm install maplibre-gl", {
      file: join(dir, "index.html"),
    });
  }
  await mkdir(join(dir, "maplibre"), { recursive: true });
  for (const file of MAPLIBRE_FILES) await copyFile(join(dist, file), join(dir, "maplibre", file));
  await copyFile(join(dist, "..", "LICENSE.txt"), join(dir, "maplibre", "LICENSE.txt")).catch(() => {});
  await writeFile(join(dir, "index.html"), page(tiles));
}
