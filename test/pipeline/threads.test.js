// Strips and threads change nothing: every product in the registry of a run cut into strips of 1, 3 or 7 rows and computed on 1–3
// threads is byte-for-byte the file of a one-strip, one-thread run — on real DEMs whose nodata crosses the seams,
// for each derivative method's halo. Also: aborting a threaded run leaves no file and no thread behind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { georefFromEpsg, openDem, processDem, UsageError } from "../../dist/index.js";
import { planSpacing } from "../../dist/pipeline/derivative-plan.js";
import { stripRunner } from "../../dist/pipeline/strip-pool.js";
import { StripProducts } from "../../dist/pipeline/strip-products.js";
import { PRODUCT_NAMES, productDefinition } from "../../dist/products/registry.js";
import { ROOT } from "../helpers/cli.js";
import { missing, sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-threads-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const DEMS = {
  // Int16 UTM, nodata collar (5.7 % of cells), stripped file.
  "storml_elev_orig.tif": {},
  // Float32 EPSG:4326, 87 % nodata in irregular patches: geographic spacing, holes across every seam.
  "castro_dem.tiff": {},
  // Float32 geographic on an odd ellipsoid (no EPSG code), committed: the geographic case on a bare clone.
  "dem-hills.tiff": {},
  // NAD27 UTM, nodata quad collar.
  "sdts_8821_oregon_basin_wy.tif": {},
};
const METHODS = [
  { method: "gradient", edgeOrder: 1 },
  { method: "gradient", edgeOrder: 2 }, // two rows of halo
  { method: "horn" },
  { method: "zevenbergen-thorne" }, // curvature's other method
];
const RUNS = [
  { stripRows: 1, threads: 3 },
  { stripRows: 3, threads: 2 },
  { stripRows: 7, threads: 1 },
  { stripRows: 7, threads: 3 },
];

/**
 * Every product in the registry that can be made with `method`, each in its default format (every product runs with
 * its default options).
 */
function outputsIn(folder, method) {
  const extension = { geotiff: "tif", png: "png" };
  const made = PRODUCT_NAMES.filter((p) => productDefinition(p).methods?.only.includes(method) ?? true);
  return Object.fromEntries(
    made.map((p) => [p, `${folder}/${p}.${extension[productDefinition(p).formats[0]]}`]),
  );
}

for (const name of Object.keys(DEMS)) {
  test(`${name}: strips of 1, 3 and 7 rows on 1–3 threads give the one-strip files byte for byte`, {
    skip: missing(name),
  }, async () => {
    const dem = sample(name);
    const handle = await openDem(dem);
    const { height } = handle;
    await handle.close();
    for (const method of METHODS) {
      const tag = `${name}-${method.method}-${method.edgeOrder ?? ""}`;
      const reference = outputsIn(`${dir}/${tag}-ref`, method.method);
      mkdir(reference);
      await processDem(dem, reference, { ...method, threads: 1, stripRows: height, warn: () => {} });
      for (const run of RUNS) {
        const outputs = outputsIn(`${dir}/${tag}-${run.stripRows}-${run.threads}`, method.method);
        mkdir(outputs);
        await processDem(dem, outputs, { ...method, ...run, warn: () => {} });
        for (const product of Object.keys(outputs)) {
          assert.ok(
            readFileSync(outputs[product]).equals(readFileSync(reference[product])),
            `${tag}: ${product} with strips of ${run.stripRows} rows on ${run.threads} threads differs`,
          );
        }
      }
    }
  });
}

test("aborting a threaded run removes its outputs and leaves no thread running", () => {
  // In a child process that must end by itself: a worker left running would keep it alive until the timeout.
  const folder = `${dir}/abort`;
  mkdirSync(folder);
  const script = `
    import { processDem } from ${JSON.stringify(`${ROOT}dist/index.js`)};
    const controller = new AbortController();
    const outputs = { slope: "${folder}/slope.tif", hillshade: "${folder}/hillshade.png" };
    await processDem(${JSON.stringify(sample("sdts_8821_oregon_basin_wy.tif"))}, outputs, {
      threads: 3, stripRows: 4, signal: controller.signal, warn: () => {},
      onProgress: (done) => { if (done >= 8) controller.abort(); },
    }).then(() => console.log("finished"), (error) => console.log(error.name));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(child.signal, null, "the process did not end by itself");
  assert.equal(child.stdout.trim(), "AbortError", child.stderr);
  assert.deepEqual(readdirSync(folder), []);
});

test("threads and strip rows are validated with the one kind of message", async () => {
  const dem = sample("storml_elev.tif");
  const out = { slope: `${dir}/never.tif` };
  await assert.rejects(processDem(dem, out, { threads: 0 }), (e) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, "Expected integer between 1 and 256 for threads but received 0");
    return true;
  });
  await assert.rejects(
    processDem(dem, out, { stripRows: "2.5" }),
    /Expected integer of at least 1 for strip rows/,
  );
  assert.equal(existsSync(out.slope), false);
});

test("an error on a worker thread reaches the caller as the class, code and message of a one-thread run", async () => {
  // A plan that bypasses option checking (an unknown product) fails as its kernels are built, and a strip that
  // does not cover its rows fails in the derivatives (a RangeError): the same failures on this thread and on a
  // worker.
  const width = 4;
  const height = 6;
  const plan = (product) => ({
    products: [product],
    width,
    demHeight: height,
    crop: { x: 0, width },
    spacingFrame: { georef: georefFromEpsg(32611, [500000, 30, 0, 4100000, 0, -30], { width, height }) },
    derivative: { method: "gradient", edgeOrder: 1, edges: true, xSign: 1, ySign: -1, float32Sums: false },
    zMultiplier: 1,
    unitMetres: 1,
    halo: 1,
    stripRows: height,
    options: {
      spacing: "ground",
      compat: false,
      trueNorth: true,
      unit: "degree",
      zeroForFlat: false,
      trigonometric: false,
      azimuth: 315,
      altitude: 45,
      variant: "regular",
    },
  });
  const job = (rows) => ({
    data: new Float64Array(width * height),
    readFirst: 0,
    readRows: rows,
    first: 0,
    rows,
  });
  const failure = async (product, rows, threads) => {
    const p = plan(product);
    const described = (error) => ({
      class: error.constructor.name,
      code: error.code,
      message: error.message,
    });
    // With two threads the first strip goes to the idle worker, whose kernels are not this thread's.
    const local =
      threads === 1 ? () => new StripProducts(p, planSpacing(p)) : () => ({ compute: assert.fail });
    let runner;
    try {
      runner = stripRunner(p, local(), threads);
      await runner.run(job(rows));
    } catch (error) {
      return described(error);
    } finally {
      await runner?.close();
    }
    assert.fail("the strip did not fail");
  };
  const bad = await failure("shade", height, 1);
  assert.deepEqual([bad.class, bad.code], ["UsageError", "USAGE"]);
  assert.match(bad.message, /^unknown product "shade": expected one of slope, aspect, /);
  assert.deepEqual(await failure("shade", height, 2), bad);
  // Rows 0–2 without the halo row 2 below them.
  const range = await failure("hillshade", 2, 1);
  assert.equal(range.class, "RangeError");
  assert.deepEqual(await failure("hillshade", 2, 2), range);
});

function mkdir(outputs) {
  mkdirSync(outputs.slope.replace(/\/[^/]+$/, ""), { recursive: true });
}
