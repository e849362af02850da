// GDAL VRT mosaics read as one DEM. The reference is GDAL itself: tiles cut from real samples with
// `gdal_translate -srcwin`, mosaicked with `gdalbuildvrt`, and the same VRT turned into one GeoTIFF with
// `gdal_translate x.vrt x.tif`; `info` and every product on the VRT must equal those on that GeoTIFF, cell for cell.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { openDem, readDem } from "../../dist/index.js";
import { demgrad, gdal } from "../helpers/cli.js";
import { readBand } from "../helpers/raster.js";
import { missing, sample } from "../helpers/samples.js";

const HAS_BUILDVRT = spawnSync("gdalbuildvrt", ["--version"]).status === 0;
const NO_GDAL = HAS_BUILDVRT ? false : "gdalbuildvrt (GDAL) is not installed";
const dir = mkdtempSync(join(tmpdir(), "demgrad-vrt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Cuts `name` into tiles (srcwin boxes), mosaics them with gdalbuildvrt and flattens the VRT with gdal_translate. */
function mosaicOf(name, boxes, tag) {
  const tiles = boxes.map(([x, y, w, h], i) => {
    const tile = join(dir, `${tag}_tile${i}.tif`);
    gdal("gdal_translate", ["-q", "-srcwin", x, y, w, h, sample(name), tile].map(String));
    return tile;
  });
  const vrt = join(dir, `${tag}.vrt`);
  gdal("gdalbuildvrt", ["-q", vrt, ...tiles]);
  const tif = join(dir, `${tag}_mosaic.tif`);
  gdal("gdal_translate", ["-q", vrt, tif]);
  return { vrt, tif, tiles };
}

/** `info` lines that describe the raster (not the file's name or its storage layout). */
const describe = (file) => {
  const result = demgrad(["info", "--json", file]);
  assert.equal(result.status, 0, result.stderr);
  const { file: _f, layout: _l, cog: _c, ...info } = JSON.parse(result.stdout);
  return info;
};

async function assertSameRaster(a, b) {
  const [x, y] = [await readBand(a), await readBand(b)];
  assert.equal(x.width, y.width);
  assert.equal(x.height, y.height);
  let differ = 0;
  for (let i = 0; i < x.data.length; i++) {
    if (!Object.is(x.data[i], y.data[i])) differ++;
  }
  assert.equal(differ, 0, `${differ} cells differ between ${basename(a)} and ${basename(b)}`);
}

const CASES = [
  // Float32 lidar with nodata, tiles of unequal sizes (2×2).
  [
    "dtm.tif",
    [
      [0, 0, 150, 130],
      [150, 0, 133, 130],
      [0, 130, 150, 129],
      [150, 130, 133, 129],
    ],
  ],
  // Int16 NAD27 with a nodata collar, three strips.
  [
    "sdts_8821_oregon_basin_wy.tif",
    [
      [0, 0, 343, 200],
      [0, 200, 343, 171],
      [0, 371, 343, 100],
    ],
  ],
  // Int16 on a custom Albers CRS (no EPSG code), elevations in feet.
  [
    "inldata_dem.tif",
    [
      [0, 0, 600, 1142],
      [600, 0, 545, 1142],
    ],
  ],
];

for (const [name, boxes] of CASES) {
  test(`a gdalbuildvrt mosaic of ${name} tiles: info and slope equal the flattened GeoTIFF's`, {
    skip: NO_GDAL || missing(name),
  }, async () => {
    const { vrt, tif } = mosaicOf(name, boxes, name.replace(/\W/g, "_"));
    assert.deepEqual(describe(vrt), describe(tif));
    for (const [file, out] of [
      [vrt, `${vrt}.slope.tif`],
      [tif, `${tif}.slope.tif`],
    ]) {
      const result = demgrad(["slope", file, out]);
      assert.equal(result.status, 0, result.stderr);
    }
    await assertSameRaster(`${vrt}.slope.tif`, `${tif}.slope.tif`);
  });
}

test("aspect, hillshade and terrain on a VRT equal those on the flattened GeoTIFF", {
  skip: NO_GDAL || missing("storml_elev.tif"),
}, async () => {
  const { vrt, tif } = mosaicOf(
    "storml_elev.tif",
    [
      [0, 0, 70, 107],
      [70, 0, 73, 107],
    ],
    "storml",
  );
  for (const product of ["aspect", "hillshade"]) {
    for (const file of [vrt, tif]) assert.equal(demgrad([product, file, `${file}.${product}.tif`]).status, 0);
    await assertSameRaster(`${vrt}.${product}.tif`, `${tif}.${product}.tif`);
  }
  for (const file of [vrt, tif]) {
    const result = demgrad([
      "terrain",
      file,
      "--slope",
      `${file}.t-slope.tif`,
      "--aspect",
      `${file}.t-aspect.tif`,
    ]);
    assert.equal(result.status, 0, result.stderr);
  }
  await assertSameRaster(`${vrt}.t-slope.tif`, `${tif}.t-slope.tif`);
  await assertSameRaster(`${vrt}.t-aspect.tif`, `${tif}.t-aspect.tif`);
});

/** A hand-written VRT on the grid of sample `name` (its SRS and GeoTransform), flattened by GDAL for the reference. */
function handVrt(
  tag,
  body,
  { name = "dtm.tif", width = 200, height = 150, band = "", dataType = "Float32" } = {},
) {
  const vrt = join(dir, `${tag}.vrt`);
  const srs = gdal("gdalsrsinfo", ["-o", "wkt1", sample(name)]).stdout.trim();
  const geoTransform = JSON.parse(gdal("gdalinfo", ["-json", sample(name)]).stdout).geoTransform;
  writeFileSync(
    vrt,
    `<VRTDataset rasterXSize="${width}" rasterYSize="${height}">
  <SRS>${srs.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</SRS>
  <GeoTransform>${geoTransform.join(", ")}</GeoTransform>
  <VRTRasterBand dataType="${dataType}" band="1">${band}
${body}
  </VRTRasterBand>
</VRTDataset>`,
  );
  const tif = join(dir, `${tag}_flat.tif`);
  gdal("gdal_translate", ["-q", vrt, tif]);
  return { vrt, tif };
}

/** Elevations of two rasters read by demgrad: the count of cells that differ and of nodata cells. */
async function compareElevations(a, b) {
  const [x, y] = [await readDem(a), await readDem(b)];
  assert.deepEqual([x.scale, x.offset, x.nodata, x.sampleType], [y.scale, y.offset, y.nodata, y.sampleType]);
  assert.equal(x.data.length, y.data.length);
  let differ = 0;
  let nodata = 0;
  for (let i = 0; i < x.data.length; i++) {
    if (!Object.is(x.data[i], y.data[i])) differ++;
    if (Number.isNaN(y.data[i]) || y.data[i] === y.nodata) nodata++;
  }
  return { differ, nodata, cells: x.data.length, dem: x };
}

test("source windows, ComplexSource NODATA and ScaleOffset/ScaleRatio, band Offset/Scale: as GDAL reads them", {
  skip: NO_GDAL || missing("dtm.tif"),
}, async () => {
  const dtm = sample("dtm.tif");
  const { vrt, tif } = handVrt(
    "windows",
    `    <SimpleSource>
      <SourceFilename relativeToVRT="0">${dtm}</SourceFilename>
      <SourceBand>1</SourceBand>
      <SrcRect xOff="10" yOff="20" xSize="120" ySize="100" />
      <DstRect xOff="0" yOff="0" xSize="120" ySize="100" />
    </SimpleSource>
    <ComplexSource>
      <SourceFilename relativeToVRT="0">${dtm}</SourceFilename>
      <SourceBand>1</SourceBand>
      <SrcRect xOff="0" yOff="0" xSize="150" ySize="150" />
      <DstRect xOff="80" yOff="40" xSize="150" ySize="150" />
      <NODATA>-9999</NODATA>
      <ScaleOffset>3.5</ScaleOffset>
      <ScaleRatio>1.25</ScaleRatio>
    </ComplexSource>
    <ComplexSource>
      <SourceFilename relativeToVRT="0">${dtm}</SourceFilename>
      <SourceBand>1</SourceBand>
      <SrcRect xOff="100" yOff="100" xSize="60" ySize="40" />
      <DstRect xOff="20" yOff="105" xSize="30" ySize="40" />
    </ComplexSource>`,
    { band: "\n    <NoDataValue>-9999</NoDataValue>\n    <Offset>100</Offset>\n    <Scale>0.5</Scale>" },
  );
  const { differ, nodata, cells, dem } = await compareElevations(vrt, tif);
  assert.deepEqual([dem.scale, dem.offset, dem.nodata], [0.5, 100, -9999]);
  assert.equal(differ, 0, `${differ} cells differ`);
  // The VRT leaves some cells to its nodata (no source there), and the ComplexSource's nodata keeps cells below.
  assert.ok(nodata > 0 && nodata < cells / 2, `${nodata} nodata cells`);
  for (const file of [vrt, tif]) assert.equal(demgrad(["slope", file, `${file}.slope.tif`]).status, 0);
  await assertSameRaster(`${vrt}.slope.tif`, `${tif}.slope.tif`);
});

test("an Int16 band: scaled ComplexSource values rounded and clamped as GDAL stores them", {
  skip: NO_GDAL || missing("sdts_8821_oregon_basin_wy.tif"),
}, async () => {
  const sdts = sample("sdts_8821_oregon_basin_wy.tif");
  const { vrt, tif } = handVrt(
    "int16",
    `    <ComplexSource>
      <SourceFilename>${sdts}</SourceFilename>
      <SrcRect xOff="0" yOff="0" xSize="343" ySize="471" />
      <DstRect xOff="0" yOff="0" xSize="343" ySize="471" />
      <NODATA>-32766</NODATA>
      <ScaleOffset>-0.5</ScaleOffset>
      <ScaleRatio>19.3</ScaleRatio>
    </ComplexSource>`,
    {
      name: "sdts_8821_oregon_basin_wy.tif",
      width: 343,
      height: 471,
      dataType: "Int16",
      band: "\n    <NoDataValue>-32766</NoDataValue>",
    },
  );
  const { differ, nodata, dem } = await compareElevations(vrt, tif);
  assert.equal(differ, 0, `${differ} cells differ`);
  assert.ok(nodata > 0);
  // Elevations of 1520–1826 m times 19.3 partly pass 32767: clamped, as GDAL does; every cell an integer.
  assert.ok(dem.data.includes(32767));
  assert.ok(dem.data.every((v) => Number.isInteger(v) || Number.isNaN(v)));
});

test("a later source in another CRS is refused when it is read, naming it", {
  skip: NO_GDAL || missing("dtm.tif"),
}, () => {
  const other = join(dir, "other-crs.tif");
  gdal("gdal_translate", [
    "-q",
    "-srcwin",
    "0",
    "0",
    "50",
    "50",
    "-a_srs",
    "EPSG:32618",
    sample("dtm.tif"),
    other,
  ]);
  const vrt = join(dir, "mixed-crs.vrt");
  writeFileSync(
    vrt,
    `<VRTDataset rasterXSize="100" rasterYSize="50"><SRS>EPSG:26918</SRS><GeoTransform>321498, 2, 0, 4298018, 0, -2</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <SimpleSource><SourceFilename>${sample("dtm.tif")}</SourceFilename><SrcRect xOff="0" yOff="0" xSize="50" ySize="50"/><DstRect xOff="0" yOff="0" xSize="50" ySize="50"/></SimpleSource>
    <SimpleSource><SourceFilename>${other}</SourceFilename><SrcRect xOff="0" yOff="0" xSize="50" ySize="50"/><DstRect xOff="50" yOff="0" xSize="50" ySize="50"/></SimpleSource>
  </VRTRasterBand></VRTDataset>`,
  );
  const result = demgrad(["slope", vrt, join(dir, "mixed-slope.tif")]);
  assert.equal(result.status, 1);
  assert.equal(result.stderr, `demgrad: ${vrt}: source ${other}: its CRS is not the first source's\n`);
});

test("relative SourceFilename resolves against the VRT's folder, not the working directory", {
  skip: NO_GDAL || missing("dtm.tif"),
}, async () => {
  const { vrt, tiles } = mosaicOf(
    "dtm.tif",
    [
      [0, 0, 100, 80],
      [100, 0, 100, 80],
    ],
    "relative",
  );
  assert.match(gdal("cat", [vrt]).stdout, /relativeToVRT="1">relative_tile0\.tif/);
  const result = demgrad(["info", "--json", basename(vrt)], { cwd: dir });
  assert.equal(result.status, 0, result.stderr);
  const other = demgrad(["info", "--json", vrt], { cwd: tmpdir() });
  assert.equal(other.status, 0, other.stderr);
  const handle = await openDem(vrt);
  try {
    assert.equal(handle.width, 200);
    const rows = await handle.readRows(0, 1);
    const tile = await readBand(tiles[1]);
    assert.equal(rows[150], tile.data[50]);
  } finally {
    await handle.close();
  }
});

test("a VRT in memory: absolute sources read, relative ones refused", {
  skip: NO_GDAL || missing("dtm.tif"),
}, async () => {
  const { vrt, tif } = mosaicOf(
    "dtm.tif",
    [
      [0, 0, 40, 30],
      [40, 0, 40, 30],
    ],
    "memory",
  );
  const text = gdal("cat", [vrt]).stdout;
  const bytes = (t) => new TextEncoder().encode(t).buffer;
  const absolute = text.replaceAll('relativeToVRT="1">', `relativeToVRT="0">${dir}/`);
  const [fromMemory, fromTif] = [await readDem(bytes(absolute)), await readDem(tif)];
  assert.equal(fromMemory.source, "<buffer>");
  assert.deepEqual(Array.from(fromMemory.data), Array.from(fromTif.data));
  await assert.rejects(
    readDem(bytes(text)),
    /source memory_tile0\.tif is relative to a VRT read from memory/,
  );
});

test("a VRT is recognised by its content under another name", { skip: NO_GDAL || missing("dtm.tif") }, () => {
  const { vrt, tif } = mosaicOf(
    "dtm.tif",
    [
      [0, 0, 60, 50],
      [60, 0, 60, 50],
    ],
    "content",
  );
  const renamed = join(dir, "content_mosaic.xml");
  writeFileSync(renamed, `<?xml version="1.0"?>\n${gdal("cat", [vrt]).stdout}`);
  assert.deepEqual(describe(renamed), describe(tif));
});

/** Runs `demgrad info` on a VRT text and returns the result (a hostile VRT must end within `timeout`). */
function infoOn(tag, text, timeout = 20_000) {
  const file = join(dir, `${tag}.vrt`);
  writeFileSync(file, text);
  const started = Date.now();
  const result = demgrad(["info", file], { timeout });
  return { ...result, file, seconds: (Date.now() - started) / 1000 };
}

const oneSource = (extra = "", rect = "") => `
    <${extra ? "ComplexSource" : "SimpleSource"}>
      <SourceFilename>${sample("dtm.tif")}</SourceFilename>${rect}${extra}
    </${extra ? "ComplexSource" : "SimpleSource"}>`;

test("a missing source file: one line naming it, exit 1", { skip: NO_GDAL || missing("dtm.tif") }, () => {
  const { vrt, tiles } = mosaicOf(
    "dtm.tif",
    [
      [0, 0, 60, 50],
      [60, 0, 60, 50],
    ],
    "missing",
  );
  rmSync(tiles[1]);
  const result = demgrad(["slope", vrt, join(dir, "missing-slope.tif")]);
  assert.equal(result.status, 1);
  assert.equal(result.stderr, `demgrad: ${vrt}: source missing_tile1.tif: no such file\n`);
  rmSync(tiles[0]);
  const info = demgrad(["info", vrt]);
  assert.equal(info.status, 1);
  assert.equal(info.stderr, `demgrad: ${vrt}: source missing_tile0.tif: no such file\n`);
});

test("unsupported VRT features are refused in one line naming them", { skip: missing("dtm.tif") }, () => {
  const band = (inner, attrs = 'dataType="Float32" band="1"') =>
    `<VRTDataset rasterXSize="10" rasterYSize="10"><VRTRasterBand ${attrs}>${inner}</VRTRasterBand></VRTDataset>`;
  const cases = [
    [
      "warped",
      '<VRTDataset subClass="VRTWarpedDataset" rasterXSize="10" rasterYSize="10"></VRTDataset>',
      /warped VRT/,
    ],
    [
      "derived",
      band(oneSource(), 'dataType="Float32" band="1" subClass="VRTDerivedRasterBand"'),
      /pixel functions/,
    ],
    ["pixfn", band(`<PixelFunctionType>sum</PixelFunctionType>${oneSource()}`), /pixel functions/],
    [
      "kernel",
      band(`<KernelFilteredSource><SourceFilename>x.tif</SourceFilename></KernelFilteredSource>`),
      /KernelFilteredSource/,
    ],
    [
      "bilinear",
      band(
        oneSource(
          "",
          '<SrcRect xOff="0" yOff="0" xSize="20" ySize="20"/><DstRect xOff="0" yOff="0" xSize="10" ySize="10"/>',
        ).replace("<SimpleSource>", '<SimpleSource resampling="bilinear">'),
      ),
      /resampling "bilinear"/,
    ],
    ["lut", band(oneSource("<LUT>0:0,1:10</LUT>")), /ComplexSource <LUT>/],
    ["complex-type", band(oneSource(), 'dataType="CFloat32" band="1"'), /band data type CFloat32/],
    [
      "fractional",
      band(oneSource("", '<DstRect xOff="0.5" yOff="0" xSize="10" ySize="10"/>')),
      /DstRect with fractional/,
    ],
    [
      "vsi",
      band("<SimpleSource><SourceFilename>/vsizip/a.zip/b.tif</SourceFilename></SimpleSource>"),
      /GDAL virtual file/,
    ],
  ];
  for (const [tag, text, pattern] of cases) {
    const result = infoOn(`unsupported-${tag}`, text);
    assert.equal(result.status, 1, `${tag}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^demgrad: ${result.file}: unsupported VRT: `), tag);
    assert.match(result.stderr, pattern, tag);
    assert.equal(result.stderr.split("\n").length, 2, `${tag}: one line`);
  }
});

test("a VRT whose sources are VRTs, or whose SRS is not its sources' CRS, is refused", {
  skip: NO_GDAL || missing("dtm.tif"),
}, () => {
  const { vrt } = mosaicOf(
    "dtm.tif",
    [
      [0, 0, 60, 50],
      [60, 0, 60, 50],
    ],
    "inner",
  );
  const nested = infoOn(
    "nested",
    `<VRTDataset rasterXSize="120" rasterYSize="50"><VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename>${vrt}</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>`,
  );
  assert.equal(nested.status, 1);
  assert.match(nested.stderr, /source .*inner\.vrt: unsupported VRT: a VRT source/);
  const wrongSrs = infoOn(
    "wrong-srs",
    `<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:4326</SRS><VRTRasterBand dataType="Float32" band="1">${oneSource()}</VRTRasterBand></VRTDataset>`,
  );
  assert.equal(wrongSrs.status, 1);
  assert.match(wrongSrs.stderr, /SRS \(EPSG:4326\) is not the CRS of its sources \(EPSG:26918\)/);
});

test("hostile VRTs end fast: huge sizes, a million sources, deep nesting, broken XML", {
  skip: missing("dtm.tif"),
}, () => {
  const huge = infoOn(
    "huge",
    `<VRTDataset rasterXSize="2000000000" rasterYSize="2000000000"><VRTRasterBand dataType="Float32" band="1">${oneSource("", '<DstRect xOff="0" yOff="0" xSize="283" ySize="259"/>')}</VRTRasterBand></VRTDataset>`,
  );
  assert.equal(huge.status, 1);
  assert.match(huge.stderr, /cover less than 1\/16 of the 2000000000×2000000000 raster/);
  const tooBig = infoOn("toobig", `<VRTDataset rasterXSize="1e12" rasterYSize="10"></VRTDataset>`);
  assert.equal(tooBig.status, 1);
  assert.match(tooBig.stderr, /rasterXSize 1e12 is not a size/);

  const band = (sources) =>
    `<VRTDataset rasterXSize="283" rasterYSize="259"><VRTRasterBand dataType="Float32" band="1">${sources}</VRTRasterBand></VRTDataset>`;
  const million = infoOn("million", band("<SimpleSource/>".repeat(1_000_000)));
  assert.equal(million.status, 1);
  assert.match(million.stderr, /more than 1000000 XML elements/);
  const many = infoOn(
    "many",
    band("<SimpleSource><SourceFilename>d.tif</SourceFilename></SimpleSource>".repeat(200_000)),
  );
  assert.equal(many.status, 1);
  assert.match(many.stderr, /more than 100000 sources/);
  for (const r of [million, many]) assert.ok(r.seconds < 10, `${r.file}: ${r.seconds} s`);

  const deep = infoOn("deep", `<VRTDataset>${"<a>".repeat(100_000)}`);
  assert.equal(deep.status, 1);
  assert.match(deep.stderr, /nested more than 32 deep/);
  // Long runs of what a backtracking pattern would stumble on.
  const broken = infoOn("broken", `<VRTDataset rasterXSize="10" ${'a="'.repeat(200_000)}`);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /unterminated start tag/);
  for (const r of [huge, tooBig, deep, broken]) assert.ok(r.seconds < 10, `${r.file}: ${r.seconds} s`);
});
