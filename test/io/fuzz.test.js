// Fuzzing (deterministic seed, bounded time): bytes of real samples are mutated and each file goes through the
// reader and `slope`. Every case must succeed or fail with a DemgradError — never another exception, a hang or
// unbounded memory.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, test } from "node:test";
import { DemgradError, openDem, processDem } from "../../dist/index.js";
import { sample } from "../helpers/samples.js";

const dir = mkdtempSync(`${tmpdir()}/demgrad-fuzz-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const SOURCES = ["storml_elev.tif", "storml_elev_orig.tif", "dem-hills.tiff", "whitebox_DEM.tif", "dtm.tif"];
const CASES = Number(process.env.FUZZ_CASES ?? 400);
const PER_CASE_MS = 10_000;

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutates bytes, mostly in the header and directories where parsers are most exposed. */
function mutate(bytes, random) {
  const out = Buffer.from(bytes);
  const edits = 1 + Math.floor(random() * 12);
  for (let e = 0; e < edits; e++) {
    const where =
      random() < 0.6 ? Math.floor(random() * Math.min(out.length, 4096)) : Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.5) out[where] = Math.floor(random() * 256);
    else if (kind < 0.8) out[where] ^= 1 << Math.floor(random() * 8);
    else out[where] = [0, 0xff, 0x7f, 0x80][Math.floor(random() * 4)];
  }
  return random() < 0.1 ? out.subarray(0, Math.floor(random() * out.length)) : out;
}

async function within(ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test(`${CASES} mutated samples: success or a DemgradError, nothing else`, { timeout: 110_000 }, async () => {
  const random = prng(20261124);
  const originals = SOURCES.map((f) => readFileSync(sample(f)));
  const outcomes = { ok: 0, rejected: 0 };
  for (let i = 0; i < CASES; i++) {
    const k = i % SOURCES.length;
    const file = `${dir}/case-${i}.tif`;
    writeFileSync(file, mutate(originals[k], random));
    try {
      await within(
        PER_CASE_MS,
        (async () => {
          const dem = await openDem(file, { warn: () => {} });
          await dem.readRows(0, Math.min(dem.height, 4));
          await dem.close();
          await processDem(file, { slope: `${dir}/out-${i}.tif` }, { warn: () => {}, spacing: "nominal" });
        })(),
      );
      outcomes.ok++;
    } catch (error) {
      if (!(error instanceof DemgradError)) {
        assert.fail(`case ${i} (${SOURCES[k]}): ${error?.name}: ${error?.message}\n${error?.stack}`);
      }
      outcomes.rejected++;
    }
    rmSync(file, { force: true });
    rmSync(`${dir}/out-${i}.tif`, { force: true });
  }
  console.log(`fuzz: ${outcomes.ok} succeeded, ${outcomes.rejected} rejected with a DemgradError`);
  assert.equal(outcomes.ok + outcomes.rejected, CASES);
  assert.ok(process.memoryUsage().rss < 2 ** 31, "memory stayed bounded");
});
