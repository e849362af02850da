import { readFileSync, writeFileSync } from "node:fs";
const SAMPLES="/work/shared/samples/";
const SOURCES = ["storml_elev.tif", "storml_elev_orig.tif", "dem-hills.tiff", "whitebox_DEM.tif", "pysheds_dem.tif"];
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


const random = prng(20261124);
const originals = SOURCES.map((f) => readFileSync(SAMPLES + f));
const target = Number(process.argv[2]);
for (let i = 0; i <= target; i++) { const b = mutate(originals[i % SOURCES.length], random); if (i === target) writeFileSync("/tmp/bad/fuzz.tif", b); }
