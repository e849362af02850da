// Support for the hostile-input tests: a child-process runner with a deadline and peak-memory report, and a
// minimal TIFF builder (independent of demgrad's writer) for headers no real writer produces.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUNNER = fileURLToPath(new URL("./hostile-run.js", import.meta.url));

/**
 * Runs `demgrad ...args` in a child killed after `timeout` ms; returns { status, stderr, stdout, ms, maxRssMiB,
 * signal }. A run that hangs comes back with signal SIGKILL.
 */
export function runCli(args, { timeout = 20_000 } = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [RUNNER, ...args], {
    encoding: "utf8",
    timeout,
    killSignal: "SIGKILL",
    env: { ...process.env, DEMGRAD_DEBUG: "" },
  });
  const last = result.stdout?.trim().split("\n").at(-1) ?? "";
  const report = last.startsWith("{") ? JSON.parse(last) : {};
  return {
    status: result.status,
    signal: result.signal,
    stderr: result.stderr ?? "",
    stdout: result.stdout ?? "",
    ms: report.ms ?? performance.now() - started,
    maxRssMiB: report.maxRssMiB,
  };
}

/**
 * Asserts that a run ended on its own within `ms`, below `mib` MiB, either with exit 0 or with exit 1 and one
 * `demgrad: <file>: …` line (matching `message` when given) on stderr.
 */
export function assertEndsCleanly(run, { file, ms = 5000, mib = 300, message, mustFail = false }) {
  assert.equal(run.signal, null, `killed (${run.signal}) after ${Math.round(run.ms)} ms: it hung or crashed`);
  assert.ok(run.ms < ms, `took ${Math.round(run.ms)} ms`);
  assert.ok(run.maxRssMiB < mib, `peak memory ${Math.round(run.maxRssMiB)} MiB`);
  if (mustFail || run.status !== 0) {
    assert.equal(run.status, 1, `exit status ${run.status}; stderr: ${run.stderr.slice(0, 300)}`);
    const lines = run.stderr.split("\n").filter((l) => l && !l.startsWith("demgrad: warning:"));
    assert.equal(lines.length, 1, `one error line: ${JSON.stringify(run.stderr.slice(0, 400))}`);
    const prefix = `demgrad: ${file}: `;
    assert.ok(lines[0].startsWith(prefix), `starts with "${prefix}": ${lines[0]}`);
    assert.ok(lines[0].length < 240, `short: ${lines[0].length} characters`);
    if (message) assert.match(lines[0].slice(prefix.length), message);
  }
}

const TYPE_SIZE = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

/**
 * A classic TIFF: the header, then `blocks` (their offsets and sizes fill `StripOffsets`/`TileOffsets` and the byte
 * counts where those entries give "blocks"), then the directory, then the directory's out-of-line values — so a
 * truncation cuts the tag arrays first. `entries`: [tag, type, values (array or string)]. Returns the bytes and
 * where the out-of-line values start.
 */
export function buildTiff(entries, blocks = [], { littleEndian = true } = {}) {
  let at = 8;
  const blockOffsets = blocks.map((b) => {
    const o = at;
    at += b.length;
    return o;
  });
  const resolved = entries
    .map(([tag, type, values]) => {
      if (values === "offsets") return [tag, type, blockOffsets];
      if (values === "counts") return [tag, type, blocks.map((b) => b.length)];
      return [tag, type, values];
    })
    .sort((a, b) => a[0] - b[0]);
  const ifdAt = at + (at % 2);
  const ifdSize = 2 + resolved.length * 12 + 4;
  let valuesAt = ifdAt + ifdSize;
  const valuesStart = valuesAt;
  const payloads = resolved.map(([, type, values]) => {
    const bytes =
      typeof values === "string"
        ? Buffer.from(`${values}\0`, "latin1")
        : Buffer.alloc(values.length * TYPE_SIZE[type]);
    if (typeof values !== "string") {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      values.forEach((v, i) => {
        const o = i * TYPE_SIZE[type];
        if (type === 1) view.setUint8(o, v);
        else if (type === 3) view.setUint16(o, v, littleEndian);
        else if (type === 4) view.setUint32(o, v, littleEndian);
        else if (type === 12) view.setFloat64(o, v, littleEndian);
        else view.setBigUint64(o, BigInt(v), littleEndian);
      });
    }
    return bytes;
  });
  const outOfLine = payloads.reduce((n, p) => n + (p.length > 4 ? p.length + (p.length % 2) : 0), 0);
  const file = Buffer.alloc(valuesAt + outOfLine);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  file.write(littleEndian ? "II" : "MM", 0, "latin1");
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, ifdAt, littleEndian);
  blocks.forEach((b, i) => {
    file.set(b, blockOffsets[i]);
  });
  view.setUint16(ifdAt, resolved.length, littleEndian);
  resolved.forEach(([tag, type, values], k) => {
    const e = ifdAt + 2 + k * 12;
    const payload = payloads[k];
    view.setUint16(e, tag, littleEndian);
    view.setUint16(e + 2, type, littleEndian);
    view.setUint32(e + 4, typeof values === "string" ? payload.length : values.length, littleEndian);
    if (payload.length <= 4) {
      file.set(payload, e + 8);
    } else {
      view.setUint32(e + 8, valuesAt, littleEndian);
      file.set(payload, valuesAt);
      valuesAt += payload.length + (payload.length % 2);
    }
  });
  return { bytes: file, valuesStart };
}

/** The entries of a single-band Int16 raster in `blocks` (tiled when `tile` is given, else strips of `rows`). */
export function int16Entries(width, height, { tile, rows = height, compression = 1, extra = [] } = {}) {
  const layout = tile
    ? [
        [322, 4, [tile]],
        [323, 4, [tile]],
        [324, 4, "offsets"],
        [325, 4, "counts"],
      ]
    : [
        [273, 4, "offsets"],
        [278, 4, [rows]],
        [279, 4, "counts"],
      ];
  return [
    [256, 4, [width]],
    [257, 4, [height]],
    [258, 3, [16]],
    [259, 3, [compression]],
    [262, 3, [1]],
    [277, 3, [1]],
    [339, 3, [2]],
    ...layout,
    ...extra,
  ];
}
