// Per-kernel speed, in process with the JIT warm: ns per pixel and Mpixel/s on one core for each derivative method
// and for every product kernel in the registry, on the strips the pipeline cuts from a DEM (the same plan, spacing
// model, workspace and buffer pool as `processDem`, one thread). Each figure is the fastest of `runs` passes over
// the whole DEM (wall time, and CPU time, which a busy machine inflates less). The products are taken from the
// registry, so new products are timed without changes here.
// Run: node bench/kernels.js [dem.tif] (default: the 4096² power-law DEM of make-dem.js); BENCH_RUNS=… passes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { openDem } from "../dist/index.js";
import { planSpacing, stripRowsFor } from "../dist/pipeline/derivative-plan.js";
import { elevationRange } from "../dist/pipeline/elevation-range.js";
import { resolveOptions } from "../dist/pipeline/options.js";
import { stripPlan } from "../dist/pipeline/process.js";
import { StripProducts } from "../dist/pipeline/strip-products.js";
import { PRODUCT_NAMES, productDefinition } from "../dist/products/registry.js";
import { computeDerivatives } from "../dist/terrain/derivatives.js";
import { Workspace } from "../dist/terrain/grid-steps.js";
import { table } from "./common.js";
import { makeDem } from "./make-dem.js";

/** What each kernel is aimed at: ≥ 100 Mpixel/s on one core, i.e. ≤ 10 ns per pixel. */
export const GOAL_NS_PER_PIXEL = 10;

const METHODS = [
  ["gradient", {}],
  ["gradient, --edge-order 2", { edgeOrder: 2 }],
  ["horn", { method: "horn" }],
  ["zevenbergen-thorne", { method: "zevenbergen-thorne" }],
];

/**
 * Rows of { kernel, ns/px, Mpx/s } for the DEM at `path`: the derivative methods (computeDerivatives: the grid's
 * steps, the stencils, the east/north frame), the strip's inputs (derivatives, unit scaling and the grid-frame
 * gradient, as `StripProducts.inputs` makes them for every product at once), and each product's kernel alone.
 */
export async function kernelRows(path, runs = 5) {
  const dem = await openDem(path);
  try {
    const pixels = dem.width * dem.height;
    const rows = [];
    const add = (kernel, { wall, cpu }) => {
      const ns = (wall * 1e9) / pixels;
      rows.push({
        kernel,
        "ns/px": ns.toFixed(2),
        "Mpx/s per core": (1e3 / ns).toFixed(0),
        "CPU ns/px": ((cpu * 1e9) / pixels).toFixed(2),
        "goal ≤ 10 ns/px": ns <= GOAL_NS_PER_PIXEL ? "met" : "not met",
      });
    };
    for (const [name, options] of METHODS) {
      const { plan, spacing, jobs } = await prepare(dem, options, ["gradient"]);
      const derivative = { ...plan.derivative, spacing };
      const workspace = new Workspace();
      add(
        `derivatives: ${name}`,
        fastest(runs, jobs, (job) => {
          const strip = { data: job.data, width: dem.width, rows: job.readRows, firstRow: job.readFirst };
          return timed(() =>
            computeDerivatives(
              { ...strip, demHeight: dem.height },
              { firstRow: job.first, rows: job.rows },
              derivative,
              workspace,
            ),
          );
        }),
      );
    }
    {
      const { products, jobs } = await prepare(dem, {}, [...PRODUCT_NAMES]);
      add(
        "strip inputs for every product (derivatives, scaling, grid frame)",
        fastest(runs, jobs, (job) => timed(() => products.inputs(job))),
      );
    }
    for (const name of PRODUCT_NAMES) {
      const { products, jobs } = await prepare(dem, {}, [name]);
      add(
        `product: ${name}`,
        fastest(runs, jobs, (job) => {
          const inputs = products.inputs(job);
          let bands;
          const ms = timed(() => {
            bands = products.product(name, inputs);
          });
          products.recycle({ [name]: bands });
          return ms;
        }),
      );
    }
    return rows;
  } finally {
    await dem.close();
  }
}

/** The plan, spacing model, strip products and strips (read once, with the plan's halo) that `processDem` would use. */
async function prepare(dem, raw, products) {
  const opts = resolveOptions({ ...raw, threads: 1 });
  const crop = { x: 0, y: 0, width: dem.width, height: dem.height };
  const stripRows = stripRowsFor(dem.width);
  const plan = stripPlan(dem, opts, products, crop, { georef: dem.georef }, stripRows);
  // As processDem: products that scale by the DEM's range (percentage colour ramps) get it before their kernels.
  if (products.some((p) => productDefinition(p).needs(plan.options).elevationRange)) {
    plan.dem.range = await elevationRange(dem, stripRows, undefined);
  }
  const spacing = planSpacing(plan);
  const jobs = [];
  for (let first = 0; first < dem.height; first += stripRows) {
    const rows = Math.min(stripRows, dem.height - first);
    const readFirst = Math.max(0, first - plan.halo);
    const readRows = Math.min(dem.height, first + rows + plan.halo) - readFirst;
    const data = new Float64Array(readRows * dem.width);
    await dem.readRows(readFirst, readRows, data);
    jobs.push({ data, readFirst, readRows, first, rows });
  }
  return { plan, spacing, products: new StripProducts(plan, spacing), jobs };
}

/**
 * Wall and CPU milliseconds of `work()`. The CPU time (this process's, from getrusage) leaves out the time the
 * thread waited for a core, so on a shared machine it is the steadier of the two.
 */
function timed(work) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  work();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Wall and CPU seconds of the fastest of `runs` passes over every strip, each the least of its passes (one
 * untimed pass first: the JIT warms up).
 */
function fastest(runs, jobs, timeStrip) {
  const best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let run = 0; run <= runs; run++) {
    const pass = { wall: 0, cpu: 0 };
    for (const job of jobs) {
      const { wall, cpu } = timeStrip(job);
      pass.wall += wall;
      pass.cpu += cpu;
    }
    if (run > 0) {
      best.wall = Math.min(best.wall, pass.wall);
      best.cpu = Math.min(best.cpu, pass.cpu);
    }
  }
  return { wall: best.wall / 1000, cpu: best.cpu / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  let dir;
  let path = process.argv[2];
  if (!path) {
    dir = mkdtempSync(`${tmpdir()}/demgrad-bench-kernels-`);
    path = makeDem(dir, 4096);
  }
  try {
    console.log(
      `Kernels on ${process.argv[2] ?? "the 4096² power-law DEM"}, one thread, fastest of ${runs} passes`,
    );
    table(await kernelRows(path, runs));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
