// The fuzz test's child: mutates the given sources deterministically and runs each case through the reader and
// `slope`, reporting the start and the outcome of every case to the parent, which kills it if a case hangs.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { DemgradError, openDem, processDem } from "../../dist/index.js";

// `node --test test/` also loads this file: without a parent to report to there is nothing to do.
if (!process.send) process.exit(0);
const { sources, cases, seed, dir } = JSON.parse(process.argv[2]);

function prng(s) {
  let state = s >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutates bytes, half in the header and directory where parsers are most exposed, half in the pixel data. */
function mutate(bytes, random) {
  const out = Buffer.from(bytes);
  const edits = 1 + Math.floor(random() * 12);
  for (let e = 0; e < edits; e++) {
    const where =
      random() < 0.5 ? Math.floor(random() * Math.min(out.length, 4096)) : Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.5) out[where] = Math.floor(random() * 256);
    else if (kind < 0.8) out[where] ^= 1 << Math.floor(random() * 8);
    else out[where] = [0, 0xff, 0x7f, 0x80][Math.floor(random() * 4)];
  }
  return random() < 0.1 ? out.subarray(0, Math.floor(random() * out.length)) : out;
}

const originals = sources.map((s) => readFileSync(s.path));
const random = prng(seed);
for (let i = 0; i < cases; i++) {
  const k = i % sources.length;
  const file = `${dir}/case-${i}.tif`;
  writeFileSync(file, mutate(originals[k], random));
  process.send({ type: "start", i, source: sources[k].name, file });
  let outcome;
  try {
    const dem = await openDem(file, { warn: () => {} });
    try {
      for (let row = 0; row < dem.height; row += 64) await dem.readRows(row, Math.min(64, dem.height - row));
    } finally {
      await dem.close();
    }
    await processDem(
      file,
      { slope: `${dir}/out-${i}.tif` },
      { warn: () => {}, spacing: "nominal", threads: 1 },
    );
    outcome = { ok: true };
  } catch (error) {
    outcome = {
      ok: false,
      demgrad: error instanceof DemgradError,
      name: error?.name,
      message: String(error?.message ?? error),
      stack: error instanceof DemgradError ? undefined : error?.stack,
    };
  }
  rmSync(file, { force: true });
  rmSync(`${dir}/out-${i}.tif`, { force: true });
  process.send({
    type: "end",
    i,
    source: sources[k].name,
    outcome,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  });
}
process.send({ type: "done", maxRssMiB: process.resourceUsage().maxRSS / 1024 });
