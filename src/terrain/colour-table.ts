/**
 * Colour tables for colour relief, read as gdaldem 3.6 reads its colour files, and the lookup of a colour per
 * elevation as gdaldem's `color-relief` does it. Pure: the text comes in, plain data goes out.
 *
 * The syntax (gdaldem's): one entry per line, `elevation R G B [A]`, fields separated by spaces, tabs, commas or
 * colons; the elevation may be `nv` (the DEM's nodata value) or a percentage of the DEM's range (`50%`); the colour
 * may be one of GRASS's names (`0 white`, `100 red 128`). Lines whose first field starts with `#` or `/` are
 * comments. A GMT colour table (`# COLOR_MODEL = RGB`, or a `.cpt` name) gives segments
 * `z0 R0 G0 B0 z1 R1 G1 B1` and an `N R G B` nodata colour. QGIS's export (`# QGIS Generated Color Map Export
 * File`, `INTERPOLATION:…`, `value,R,G,B,A,label`) is read with its interpolation.
 */
import { InputError } from "../errors.js";

/** How a value between entries is coloured: gdaldem's three modes, and QGIS's discrete classes. */
export type ColourSelection = "interpolate" | "exact" | "nearest" | "discrete";

/** Where an entry sits: an elevation, a percentage (0–100) of the DEM's min…max, or the DEM's nodata value. */
export type ColourStop =
  | { kind: "value"; value: number }
  | { kind: "percent"; percent: number }
  | { kind: "nodata" };

/** One line's colour (0–255 each; alpha 255 unless given). */
export interface ColourEntry {
  stop: ColourStop;
  rgba: [number, number, number, number];
}

/** A parsed colour file: plain data (it crosses to worker threads). */
export interface ColourTable {
  entries: ColourEntry[];
  /** The selection the file itself names (QGIS's `INTERPOLATION:` line), if any. */
  selection?: ColourSelection;
}

/** What a table needs to know of the DEM: its nodata value (for `nv`) and its range (for percentages). */
export interface ColourContext {
  nodata: number | undefined;
  range: { min: number; max: number } | undefined;
}

/** The table made concrete for one DEM: elevations ascending (NaN first), one RGBA per entry. */
export interface ColourLut {
  values: Float64Array;
  /** 4 values per entry. */
  rgba: Uint8Array;
}

/**
 * GRASS's colour names as gdaldem 3.6 knows them: fractions of 255, truncated (`brown` is 191, 127, 63).
 */
const NAMED_COLOURS: Record<string, [number, number, number]> = {
  white: [1, 1, 1],
  black: [0, 0, 0],
  red: [1, 0, 0],
  green: [0, 1, 0],
  blue: [0, 0, 1],
  yellow: [1, 1, 0],
  magenta: [1, 0, 1],
  cyan: [0, 1, 1],
  aqua: [0, 0.75, 0.75],
  grey: [0.75, 0.75, 0.75],
  gray: [0.75, 0.75, 0.75],
  orange: [1, 0.5, 0],
  brown: [0.75, 0.5, 0.25],
  purple: [0.5, 0, 1],
  violet: [0.5, 0, 1],
  indigo: [0, 0.5, 1],
};

/** The colour names a file may use. */
export const COLOUR_NAMES = Object.keys(NAMED_COLOURS);

const QGIS_INTERPOLATION: Record<string, ColourSelection> = {
  INTERPOLATED: "interpolate",
  DISCRETE: "discrete",
  EXACT: "exact",
};

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_NUMBERS: Record<string, number> = {
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  infinity: Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
  nan: Number.NaN,
};

/** A line's problem, as `line N: what`. */
class LineError extends Error {}

/** A token as messages quote it: cut short, so a line of garbage gives a short message. */
function quoted(token: string): string {
  return `"${token.length > 40 ? `${token.slice(0, 39)}…` : token}"`;
}

/** An elevation: a decimal number, `inf`/`-inf` (QGIS's open last class) or `nan` (NaN cells). */
function elevation(token: string): number {
  const special = SPECIAL_NUMBERS[token.toLowerCase()];
  if (special !== undefined) return special;
  if (!DECIMAL.test(token)) throw new LineError(`${quoted(token)} is not an elevation`);
  return Number(token);
}

/** A colour component 0–255; decimals are cut as gdaldem's atoi cuts them (`127.9` is 127). */
function component(token: string, what: string): number {
  const value = /^[+-]?\d+(?:\.\d*)?$/.test(token) ? Math.trunc(Number(token)) : Number.NaN;
  if (!(value >= 0 && value <= 255))
    throw new LineError(`${what} ${quoted(token)} is not a whole number 0–255`);
  return value;
}

function stopOf(token: string): ColourStop {
  if (token.toLowerCase() === "nv") return { kind: "nodata" };
  if (token.length > 1 && token.endsWith("%")) {
    const percent = elevation(token.slice(0, -1));
    if (!(percent >= 0 && percent <= 100))
      throw new LineError(`percentage ${quoted(token)} is not within 0–100 %`);
    return { kind: "percent", percent };
  }
  return { kind: "value", value: elevation(token) };
}

function namedColour(token: string): [number, number, number] {
  const fractions = NAMED_COLOURS[token.toLowerCase()];
  if (!fractions) {
    throw new LineError(
      `${quoted(token)} is neither R G B values nor a colour name (${COLOUR_NAMES.filter((n) => n !== "gray").join(", ")})`,
    );
  }
  return fractions.map((f) => Math.trunc(255 * f)) as [number, number, number];
}

/** `R G B` from three tokens. */
function rgbOf(tokens: string[]): [number, number, number] {
  return [component(tokens[0]!, "red"), component(tokens[1]!, "green"), component(tokens[2]!, "blue")];
}

/** GMT's `R/G/B` colour, or undefined when the token is not one. */
function slashColour(token: string): [number, number, number] | undefined {
  const parts = token.split("/");
  return parts.length === 3 ? rgbOf(parts) : undefined;
}

/** One line of a gdaldem colour file: `elevation R G B [A]` or `elevation name [A]`. */
function plainEntry(tokens: string[]): ColourEntry {
  if (tokens.length < 2) throw new LineError("expected an elevation and a colour");
  const stop = stopOf(tokens[0]!);
  if (tokens.length >= 4) {
    const alpha = tokens.length >= 5 ? component(tokens[4]!, "alpha") : 255;
    return { stop, rgba: [...rgbOf(tokens.slice(1, 4)), alpha] };
  }
  const alpha = tokens.length === 3 ? component(tokens[2]!, "alpha") : 255;
  return { stop, rgba: [...namedColour(tokens[1]!), alpha] };
}

/**
 * One line of a GMT colour table: a segment `z0 R G B z1 R G B` (or `z0 R/G/B z1 R/G/B`, with an optional `L`, `U`
 * or `B` annotation), or a `B`, `F` or `N` colour (background, foreground and nodata: only N is used).
 */
function cptEntries(tokens: string[]): ColourEntry[] {
  const head = tokens[0]!.toUpperCase();
  if (head === "B" || head === "F" || head === "N") {
    const rgb = tokens.length === 4 ? rgbOf(tokens.slice(1)) : tokens.length === 2 && slashColour(tokens[1]!);
    if (!rgb) throw new LineError(`expected "${head} R G B"`);
    return head === "N" ? [{ stop: { kind: "nodata" }, rgba: [...rgb, 255] }] : [];
  }
  const fields = /^[LUB]$/i.test(tokens.at(-1)!) ? tokens.slice(0, -1) : tokens;
  const segment = (z0: string, c0: [number, number, number], z1: string, c1: [number, number, number]) => [
    { stop: { kind: "value", value: elevation(z0) }, rgba: [...c0, 255] } as ColourEntry,
    { stop: { kind: "value", value: elevation(z1) }, rgba: [...c1, 255] } as ColourEntry,
  ];
  if (fields.length === 8) {
    return segment(fields[0]!, rgbOf(fields.slice(1, 4)), fields[4]!, rgbOf(fields.slice(5, 8)));
  }
  if (fields.length === 4) {
    const c0 = slashColour(fields[1]!);
    const c1 = slashColour(fields[3]!);
    if (c0 && c1) return segment(fields[0]!, c0, fields[2]!, c1);
  }
  throw new LineError("expected a GMT segment: z0 R G B z1 R G B");
}

/**
 * Parses a colour file's text; `name` is the file the messages name (a `.cpt` name reads as a GMT table even
 * without its `COLOR_MODEL` line). Throws `InputError` with `line N: what is wrong` for a line it cannot read.
 *
 * @example
 * ```ts
 * parseColourTable("0 0 0 255\n50% white\nnv 0 0 0 0\n", "ramp.txt");
 * // { entries: [{ stop: { kind: "value", value: 0 }, rgba: [0, 0, 255, 255] },
 * //             { stop: { kind: "percent", percent: 50 }, rgba: [255, 255, 255, 255] },
 * //             { stop: { kind: "nodata" }, rgba: [0, 0, 0, 0] }] }
 * parseColourTable("100 purpel\n", "ramp.txt"); // throws InputError: line 1: "purpel" is neither R G B values nor …
 * ```
 */
export function parseColourTable(text: string, name: string): ColourTable {
  const entries: ColourEntry[] = [];
  let selection: ColourSelection | undefined;
  let cpt = /\.cpt$/i.test(name);
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    try {
      if (line.startsWith("#") && line.includes("COLOR_MODEL")) {
        if (!/COLOR_MODEL\s*=\s*\+?RGB\b/i.test(line))
          throw new LineError("only COLOR_MODEL = RGB is supported");
        cpt = true;
      }
      const qgis = /^\s*INTERPOLATION\s*:\s*(\S*)\s*$/i.exec(line);
      if (qgis) {
        selection = QGIS_INTERPOLATION[qgis[1]!.toUpperCase()];
        if (!selection)
          throw new LineError(`unknown interpolation ${quoted(qgis[1]!)} (INTERPOLATED, DISCRETE or EXACT)`);
        continue;
      }
      // GMT annotations start at ";".
      const content = cpt ? line.replace(/;.*/, "") : line;
      const tokens = content.split(/[ ,\t:]+/).filter((t) => t !== "");
      if (tokens.length === 0 || tokens[0]!.startsWith("#") || tokens[0]!.startsWith("/")) continue;
      if (cpt) entries.push(...cptEntries(tokens));
      else entries.push(plainEntry(tokens));
    } catch (error) {
      if (error instanceof LineError) throw new InputError(`line ${n + 1}: ${error.message}`, { file: name });
      throw error;
    }
  }
  if (entries.length === 0) throw new InputError("no colour entry found", { file: name });
  return selection ? { entries, selection } : { entries };
}

/** Whether a table has percentages (it then needs the DEM's range). */
export function usesPercentages(table: ColourTable): boolean {
  return table.entries.some((e) => e.stop.kind === "percent");
}

/** Whether a table has an `nv` entry. */
export function usesNodata(table: ColourTable): boolean {
  return table.entries.some((e) => e.stop.kind === "nodata");
}

const SCRATCH = new DataView(new ArrayBuffer(8));

/** The next double after `x` towards +∞ (`up`) or −∞: C's nextafter. */
function nextAfter(x: number, up: boolean): number {
  if (Number.isNaN(x) || x === (up ? Infinity : -Infinity)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  SCRATCH.setFloat64(0, x);
  const bits = SCRATCH.getBigUint64(0);
  SCRATCH.setBigUint64(0, x > 0 === up ? bits + 1n : bits - 1n);
  return SCRATCH.getFloat64(0);
}

interface Association {
  value: number;
  rgba: [number, number, number, number];
}

/** NaN sorts first, then ascending (gdaldem's order); stable. */
function byValue(a: Association, b: Association): number {
  const less = (x: number, y: number) => (Number.isNaN(x) && !Number.isNaN(y)) || x < y;
  return less(a.value, b.value) ? -1 : less(b.value, a.value) ? 1 : 0;
}

/**
 * gdaldem's clean-up of the sorted entries. Around the nodata value it adds copies of the neighbours just below and
 * above it, so that no value interpolates into the nodata colour. Repeated elevations (a sharp colour edge) are
 * pulled apart by a few ulps, balanced around the repeated value, so values on either side take either colour.
 */
function processEntries(list: Association[], nodata: number | undefined, selection: ColourSelection): void {
  list.sort(byValue);
  const initial = list.length;
  const spread = selection !== "exact" && nodata !== undefined;
  let repeated = 0;
  for (let i = 1; i < initial; i++) {
    const previous = list[i - 1]!;
    const current = list[i]!;
    if (spread && current.value === nodata) {
      const below = nextAfter(current.value, false);
      if (below > previous.value) list.push({ value: below, rgba: previous.rgba });
    } else if (spread && previous.value === nodata) {
      const above = nextAfter(previous.value, true);
      if (above < current.value) list.push({ value: above, rgba: current.rgba });
    } else if (repeated === 0 && current.value === previous.value) {
      repeated = i;
    } else if (repeated !== 0 && current.value !== previous.value) {
      let total: number;
      let left = 0;
      if (repeated >= 2) {
        const lower = list[repeated - 2]!;
        total = current.value - lower.value;
        left = previous.value - lower.value;
      } else {
        total = current.value - previous.value;
      }
      const count = i - repeated + 1;
      const size = Math.abs(previous.value);
      // Too close to their neighbours to be pulled apart: left as they are.
      if (total > size * count * Number.EPSILON) {
        let multiplier = 0.5 - (count * left) / total;
        for (let j = repeated - 1; j < i; j++) {
          list[j]!.value += size * multiplier * Number.EPSILON;
          multiplier += 1;
        }
      }
      repeated = 0;
    }
  }
  if (list.length !== initial) list.sort(byValue);
}

/**
 * The table for one DEM: `nv` becomes its nodata value (left out when it has none), percentages points of its
 * range, then gdaldem's ordering and clean-up.
 *
 * @example
 * ```ts
 * const lut = colourLut(parseColourTable("0% black\n100% white\n", "grey.txt"), { nodata: undefined, range: { min: 10, max: 20 } }, "interpolate");
 * // lut.values: [10, 20]
 * ```
 */
export function colourLut(table: ColourTable, dem: ColourContext, selection: ColourSelection): ColourLut {
  const list: Association[] = [];
  for (const { stop, rgba } of table.entries) {
    if (stop.kind === "nodata") {
      if (dem.nodata !== undefined) list.push({ value: dem.nodata, rgba: [...rgba] });
    } else if (stop.kind === "percent") {
      const { min, max } = dem.range ?? { min: 0, max: 0 };
      const fraction = stop.percent / 100;
      list.push({ value: min + fraction * (max - min), rgba: [...rgba] });
    } else {
      list.push({ value: stop.value, rgba: [...rgba] });
    }
  }
  // Only `nv` entries and a DEM without nodata: nothing is ever coloured.
  if (list.length === 0) list.push({ value: Number.NaN, rgba: [0, 0, 0, 0] });
  processEntries(list, dem.nodata, selection);
  const values = new Float64Array(list.length);
  const rgba = new Uint8Array(list.length * 4);
  list.forEach((a, i) => {
    values[i] = a.value;
    rgba.set(a.rgba, i * 4);
  });
  return { values, rgba };
}

/** No colour: 0, 0, 0, 0. */
const NONE = -1;

/**
 * The entry whose colour `value` takes, `NONE`, or −(i + 2) to interpolate between entries i − 1 and i: gdaldem's
 * binary search and its rules at either end.
 */
function entryFor(values: Float64Array, value: number, selection: ColourSelection): number {
  let lower = 0;
  if (Number.isNaN(values[0]!)) {
    if (Number.isNaN(value)) return 0;
    lower = 1;
  }
  // The first entry not below the value (comparisons with NaN fail: a NaN value lands past the end).
  let upper = values.length - 1;
  let i: number;
  for (;;) {
    if (upper - lower <= 1) {
      i = value <= values[lower]! ? lower : value <= values[upper]! ? upper : upper + 1;
      break;
    }
    const mid = (lower + upper) >> 1;
    if (values[mid]! >= value) upper = mid;
    else lower = mid;
  }
  const size = values.length;
  if (selection === "discrete") return i < size ? i : NONE;
  if (i === 0) return selection === "exact" && values[0] !== value ? NONE : 0;
  if (i === size) return selection === "exact" && values[size - 1] !== value ? NONE : size - 1;
  if (values[i - 1] === value) return i - 1;
  if (values[i] === value) return i;
  if (selection === "exact") return NONE;
  if (selection === "nearest") return value - values[i - 1]! < values[i]! - value ? i - 1 : i;
  if (Number.isNaN(values[i - 1]!)) return i;
  return -(i + 2);
}

/**
 * Writes the colour of `value` into `out[at…at+3]`, as gdaldem's `color-relief` computes it: below the first entry
 * its colour, above the last the last's; between two entries each component is interpolated and cut,
 * `trunc(0.45 + c0 + t·(c1 − c0))`; a NaN entry colours NaN. `exact` colours only values equal to an entry (else
 * 0, 0, 0, 0), `nearest` takes the closer entry (the upper one at a tie), `discrete` the first entry at or above the
 * value (QGIS's classes; none above the last).
 */
export function colourOf(
  lut: ColourLut,
  value: number,
  selection: ColourSelection,
  out: Uint8Array,
  at: number,
): void {
  const { values, rgba } = lut;
  const k = entryFor(values, value, selection);
  if (k >= 0) {
    for (let c = 0; c < 4; c++) out[at + c] = rgba[k * 4 + c]!;
  } else if (k === NONE) {
    out.fill(0, at, at + 4);
  } else {
    const i = -k - 2;
    const t = (value - values[i - 1]!) / (values[i]! - values[i - 1]!);
    for (let c = 0; c < 4; c++) {
      const c0 = rgba[(i - 1) * 4 + c]!;
      const c1 = rgba[i * 4 + c]!;
      out[at + c] = Math.min(255, Math.max(0, Math.trunc(0.45 + c0 + t * (c1 - c0))));
    }
  }
}
