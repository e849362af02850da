// docs/cli.md as generated from the CLI's own --help (shared by docs/generate-cli.js and the docs test).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/demgrad.js", import.meta.url));
export const COMMANDS = [
  "info",
  "gradient",
  "slope",
  "aspect",
  "hillshade",
  "northness",
  "eastness",
  "tri",
  "tpi",
  "roughness",
  "curvature",
  "color-relief",
  "relief",
  "terrain",
  "batch",
  "tiles",
];

const help = (args) =>
  spawnSync(process.execPath, [BIN, ...args, "--help"], { encoding: "utf8" }).stdout.trimEnd();

const EXAMPLES = {
  info: [
    "demgrad info samples/alps-wgs84.tif",
    "demgrad info dem.tif --json | jq .groundSpacing",
    "demgrad info tiles.vrt                         # a GDAL VRT mosaic (gdalbuildvrt tiles.vrt tiles/*.tif)",
  ],
  gradient: ["demgrad gradient samples/alps-utm32.tif out/gradient.tif --edge-order 2"],
  slope: [
    "demgrad slope samples/alps-utm32.tif out/slope.tif",
    "demgrad slope samples/alps-wgs84.tif out/slope-percent.tif --unit percent",
    "demgrad slope dem.tif slope.tif --compat gdaldem          # gdaldem slope's values (identical on the samples)",
    "demgrad slope srtm-degrees.tif slope.tif --compat gdaldem -s 111120",
  ],
  aspect: [
    "demgrad aspect samples/alps-utm32.tif out/aspect.tif                  # compass bearing from true north",
    "demgrad aspect samples/alps-utm32.tif out/aspect-grid.tif --north grid",
  ],
  hillshade: [
    "demgrad hillshade samples/alps-utm32.tif out/shade.png",
    "demgrad hillshade samples/alps-utm32.tif out/shade.tif --variant multidirectional -z 1.5",
  ],
  northness: [
    "demgrad northness samples/alps-utm32.tif out/northness.tif",
    "demgrad northness samples/alps-utm32.tif out/northness-weighted.tif --weighted   # times sin(slope)",
  ],
  eastness: ["demgrad eastness samples/alps-utm32.tif out/eastness.tif --weighted"],
  tri: [
    "demgrad tri samples/alps-utm32.tif out/tri.tif       # Riley's TRI in metres",
    "demgrad tri bathymetry.tif tri.tif --tri-method wilson",
    "demgrad tri dem.tif tri.tif --compat gdaldem         # gdaldem TRI's values (identical on the samples)",
  ],
  tpi: ["demgrad tpi samples/alps-utm32.tif out/tpi.tif"],
  roughness: ["demgrad roughness samples/alps-utm32.tif out/roughness.tif"],
  curvature: [
    "demgrad curvature samples/alps-utm32.tif out/profile.tif                       # profile curvature, 1/m",
    "demgrad curvature samples/alps-wgs84.tif out/curvatures.tif --type mean,gaussian,minimal,maximal",
    "demgrad terrain samples/alps-utm32.tif --slope out/s.tif --curvature out/c.tif --type profile,plan",
  ],
  "color-relief": [
    "demgrad color-relief samples/alps-utm32.tif colours.txt out/colour.tif   # gdaldem's colour file, .cpt or QGIS export",
    "demgrad color-relief samples/alps-utm32.tif out/colour.png --ramp hypsometric --alpha",
    "demgrad color-relief dem.tif ramp.txt out.tif --nearest-color        # gdaldem -nearest_color_entry",
  ],
  relief: [
    "demgrad relief samples/alps-utm32.tif out/relief.png                 # terrain colours, combined hillshade",
    "demgrad relief dem.tif relief.tif --color-file ramp.txt --hillshade-variant multidirectional",
  ],
  terrain: [
    "demgrad terrain samples/alps-utm32.tif --slope out/s.tif --aspect out/a.tif --hillshade out/h.png",
  ],
  batch: [
    "demgrad batch 'tiles/*.tif' -o out/ --seamless --report out/report.json",
    "demgrad batch 'tiles/*.tif' -o out/ --products slope --shard auto   # one task of a job array",
  ],
  tiles: [
    "demgrad tiles samples/alps-utm32.tif out/alps-tiles --serve      # then open the printed URL",
    "demgrad tiles samples/alps-utm32.tif out/alps-dem.pmtiles --product terrain-rgb --format webp",
  ],
};

/** What every command reads (not in any --help: it is the same for all of them). */
const INPUTS = [
  "## Inputs: GeoTIFFs and VRT mosaics",
  "",
  "Every `<dem>` is a GeoTIFF or a GDAL VRT mosaic of GeoTIFFs (a `.vrt` name, or a file starting with",
  "`<VRTDataset`), read window by window from the tiles each window overlaps, so memory stays bounded and",
  "`demgrad slope tiles.vrt slope.tif` equals `demgrad slope` on `gdal_translate tiles.vrt tiles.tif`. Supported:",
  "SimpleSource and ComplexSource with SrcRect/DstRect (nearest neighbour when their sizes differ), NODATA,",
  "ScaleOffset/ScaleRatio, the band's NoDataValue, Offset, Scale and UnitType, and sources relative to the VRT.",
  "Warped VRTs, pixel functions, other source kinds (KernelFilteredSource, AveragedSource), LUTs, mask bands,",
  "other resampling, fractional windows and nested VRTs are refused in one line naming the feature. The CRS is",
  "the first tile's (the VRT's SRS must be the same CRS) and the georeferencing the VRT's GeoTransform.",
];

/** The whole page. */
export function cliReference() {
  const parts = [
    "# Command line reference",
    "",
    "Generated from the commands' own `--help` by `npm run docs` (a test checks it is current).",
    "Every command prints one line starting with `demgrad:` on error and exits 0 (success), 1 (processing",
    "error) or 2 (usage error); set `DEMGRAD_DEBUG=1` for a stack trace. A progress bar is shown on a terminal",
    "for work longer than about a second (`-q` hides it). Outputs are written under a temporary name and renamed",
    "when complete, so an interrupted run (Ctrl-C) leaves no partial file.",
    "",
    ...INPUTS,
    "",
    "## demgrad",
    "",
    "```",
    help([]),
    "```",
  ];
  for (const command of COMMANDS) {
    parts.push("", `## demgrad ${command}`, "", "```", help([command]), "```", "", "Examples:", "", "```sh");
    parts.push(...EXAMPLES[command], "```");
  }
  return `${parts.join("\n")}\n`;
}
