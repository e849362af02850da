/**
 * An N-dimensional equivalent of `numpy.gradient` (DESIGN §4): numpy's argument rules, formulas and evaluation
 * order, so float64 results match numpy bit for bit. Float32 input follows numpy's float32 arithmetic.
 */
import type { FloatArray, NdArray, NestedNumbers, NumericArray } from "./ndarray.js";
import {
  centralNonUniform,
  centralUniform,
  forward1,
  left2NonUniform,
  left2Uniform,
  right2NonUniform,
  right2Uniform,
} from "./stencils.js";

/** Options of {@link gradient}. */
export interface GradientOptions {
  /** Omitted (1), one number for every axis, or one entry per selected axis: a step or a coordinate array. */
  spacing?: number | ReadonlyArray<number | ArrayLike<number>>;
  /** Axis, axes (negative counts from the end; order kept), or null/omitted for all axes. */
  axis?: number | readonly number[] | null;
  /** Accuracy at the borders: 1 (default) or 2. */
  edgeOrder?: 1 | 2;
}

/** One step per axis: a uniform step, or the differences of a coordinate array. */
type AxisSpacing = { uniform: number } | { steps: Float64Array; float32: boolean };

/**
 * The gradient of an N-d array along the selected axes, like `numpy.gradient`, but always returning an array with
 * one `{ data, shape }` per selected axis, in the order the axes were given.
 *
 * @example
 * ```ts
 * import { gradient } from "demgrad";
 * const [dRows, dCols] = gradient({ data: new Float64Array([1, 2, 4, 7, 11, 16]), shape: [2, 3] });
 * // dRows.data → [6, 9, 12, 6, 9, 12]; dCols.data → [1, 1.5, 2, 4, 4.5, 5]
 * const [dx] = gradient([1, 2, 4, 7], { spacing: [[0, 1, 1.5, 3.5]], edgeOrder: 2 });
 * ```
 */
export function gradient(
  f: NdArray | NestedNumbers[] | NumericArray,
  options: GradientOptions = {},
): NdArray<FloatArray>[] {
  const { data, shape } = toNdArray(f);
  const ndim = shape.length;
  const axes = normaliseAxes(options.axis, ndim);
  const spacing = normaliseSpacing(options.spacing, axes, shape);
  const edgeOrder = options.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) {
    throw new RangeError(`edgeOrder must be 1 or 2 but received ${String(edgeOrder)}`);
  }
  for (const axis of axes) {
    if (shape[axis]! < edgeOrder + 1) {
      throw new RangeError(
        `axis ${axis} has ${shape[axis]} elements: at least edgeOrder + 1 = ${edgeOrder + 1} elements are required to calculate a numerical gradient`,
      );
    }
  }
  const float32 = data instanceof Float32Array;
  const values: ArrayLike<number> = isIntegerArray(data) ? Float64Array.from(data) : data;
  return axes.map((axis, k) => {
    const out = float32 ? new Float32Array(values.length) : new Float64Array(values.length);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const line = { n: shape[axis]!, stride: inner };
    const sp = spacing[k]!;
    if (!float32 && "uniform" in sp && values instanceof Float64Array && shape[axis]! >= 3) {
      differentiateUniformBlocks(
        values,
        out as Float64Array,
        outer,
        shape[axis]!,
        inner,
        sp.uniform,
        edgeOrder,
      );
      return { data: out, shape: [...shape] };
    }
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const start = o * shape[axis]! * inner + i;
        if (float32) differentiateLineF32(values, out, start, line, sp, edgeOrder);
        else differentiateLine(values, out, start, line, sp, edgeOrder);
      }
    }
    return { data: out, shape: [...shape] };
  });
}

/**
 * The float64, uniform-spacing case (the common one) over whole blocks: for each point along the axis, all `inner`
 * lines at once, so memory is read contiguously whatever the axis. Same stencils, same results.
 */
function differentiateUniformBlocks(
  f: Float64Array,
  out: Float64Array,
  outer: number,
  n: number,
  inner: number,
  h: number,
  edgeOrder: 1 | 2,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    if (inner === 1) {
      // The last axis: one contiguous line.
      for (let i = base + 1; i < base + n - 1; i++) out[i] = centralUniform(f[i - 1]!, f[i + 1]!, h);
    } else {
      for (let i = 1; i < n - 1; i++) {
        const at = base + i * inner;
        for (let j = 0; j < inner; j++)
          out[at + j] = centralUniform(f[at - inner + j]!, f[at + inner + j]!, h);
      }
    }
    const last = base + (n - 1) * inner;
    for (let j = 0; j < inner; j++) {
      const a = base + j;
      const z = last + j;
      if (edgeOrder === 1) {
        out[a] = forward1(f[a]!, f[a + inner]!, h);
        out[z] = forward1(f[z - inner]!, f[z]!, h);
      } else {
        out[a] = left2Uniform(f[a]!, f[a + inner]!, f[a + 2 * inner]!, h);
        out[z] = right2Uniform(f[z - 2 * inner]!, f[z - inner]!, f[z]!, h);
      }
    }
  }
}

interface Line {
  n: number;
  stride: number;
}

/** float64 arithmetic: numpy's formulas through the shared stencils. */
function differentiateLine(
  f: ArrayLike<number>,
  out: FloatArray,
  start: number,
  { n, stride }: Line,
  sp: AxisSpacing,
  edgeOrder: 1 | 2,
): void {
  const at = (i: number) => f[start + i * stride]!;
  const last = start + (n - 1) * stride;
  if ("uniform" in sp) {
    const h = sp.uniform;
    for (let i = 1; i < n - 1; i++) out[start + i * stride] = centralUniform(at(i - 1), at(i + 1), h);
    if (edgeOrder === 1) {
      out[start] = forward1(at(0), at(1), h);
      out[last] = forward1(at(n - 2), at(n - 1), h);
    } else {
      out[start] = left2Uniform(at(0), at(1), at(2), h);
      out[last] = right2Uniform(at(n - 3), at(n - 2), at(n - 1), h);
    }
    return;
  }
  const d = sp.steps;
  for (let i = 1; i < n - 1; i++) {
    out[start + i * stride] = centralNonUniform(at(i - 1), at(i), at(i + 1), d[i - 1]!, d[i]!);
  }
  if (edgeOrder === 1) {
    out[start] = forward1(at(0), at(1), d[0]!);
    out[last] = forward1(at(n - 2), at(n - 1), d[n - 2]!);
  } else {
    out[start] = left2NonUniform(at(0), at(1), at(2), d[0]!, d[1]!);
    out[last] = right2NonUniform(at(n - 3), at(n - 2), at(n - 1), d[n - 3]!, d[n - 2]!);
  }
}

const r = Math.fround;

/**
 * float32 input, numpy's mixed-precision rules (NEP 50): a scalar step is a weak Python float, so every operation
 * is float32 (constants computed in double, then rounded); coordinate arrays are float64, so the subtraction is
 * float32 and the rest float64, rounded when stored.
 */
function differentiateLineF32(
  f: ArrayLike<number>,
  out: FloatArray,
  start: number,
  { n, stride }: Line,
  sp: AxisSpacing,
  edgeOrder: 1 | 2,
): void {
  const at = (i: number) => f[start + i * stride]!;
  const last = start + (n - 1) * stride;
  if ("uniform" in sp) {
    const h = sp.uniform;
    const weak = !("fromCoordinates" in sp);
    const twoH = weak ? r(2 * h) : 2 * h;
    const hh = weak ? r(h) : h;
    for (let i = 1; i < n - 1; i++) out[start + i * stride] = r(at(i + 1) - at(i - 1)) / twoH;
    if (edgeOrder === 1) {
      out[start] = r(at(1) - at(0)) / hh;
      out[last] = r(at(n - 1) - at(n - 2)) / hh;
    } else if (weak) {
      out[start] = r(r(r(r(-1.5 / h) * at(0)) + r(r(2 / h) * at(1))) + r(r(-0.5 / h) * at(2)));
      out[last] = r(r(r(r(0.5 / h) * at(n - 3)) + r(r(-2 / h) * at(n - 2))) + r(r(1.5 / h) * at(n - 1)));
    } else {
      out[start] = left2Uniform(at(0), at(1), at(2), h);
      out[last] = right2Uniform(at(n - 3), at(n - 2), at(n - 1), h);
    }
    return;
  }
  const d = sp.steps;
  if (sp.float32) {
    // float32 coordinates: the differences and the coefficients are float32 too.
    for (let i = 1; i < n - 1; i++)
      out[start + i * stride] = nonUniformF32(at(i - 1), at(i), at(i + 1), d[i - 1]!, d[i]!);
    if (edgeOrder === 1) {
      out[start] = r(r(at(1) - at(0)) / d[0]!);
      out[last] = r(r(at(n - 1) - at(n - 2)) / d[n - 2]!);
    } else {
      out[start] = left2F32(at(0), at(1), at(2), d[0]!, d[1]!);
      out[last] = right2F32(at(n - 3), at(n - 2), at(n - 1), d[n - 3]!, d[n - 2]!);
    }
    return;
  }
  // float64 coordinates: float64 coefficients (the float64 path), except that first-order edges subtract in float32.
  differentiateLine(f, out, start, { n, stride }, sp, edgeOrder);
  if (edgeOrder === 1) {
    out[start] = r(at(1) - at(0)) / d[0]!;
    out[last] = r(at(n - 1) - at(n - 2)) / d[n - 2]!;
  }
}

function nonUniformF32(fm: number, f0: number, fp: number, d1: number, d2: number): number {
  const a = r(-d2 / r(d1 * r(d1 + d2)));
  const b = r(r(d2 - d1) / r(d1 * d2));
  const c = r(d1 / r(d2 * r(d1 + d2)));
  return r(r(r(a * fm) + r(b * f0)) + r(c * fp));
}

function left2F32(f0: number, f1: number, f2: number, d1: number, d2: number): number {
  const a = r(-r(r(2 * d1) + d2) / r(d1 * r(d1 + d2)));
  const b = r(r(d1 + d2) / r(d1 * d2));
  const c = r(-d1 / r(d2 * r(d1 + d2)));
  return r(r(r(a * f0) + r(b * f1)) + r(c * f2));
}

function right2F32(f3: number, f2: number, f1: number, d1: number, d2: number): number {
  const a = r(d2 / r(d1 * r(d1 + d2)));
  const b = r(-r(d2 + d1) / r(d1 * d2));
  const c = r(r(r(2 * d2) + d1) / r(d2 * r(d1 + d2)));
  return r(r(r(a * f3) + r(b * f2)) + r(c * f1));
}

function isIntegerArray(data: ArrayLike<number>): boolean {
  return !(data instanceof Float32Array || data instanceof Float64Array || Array.isArray(data));
}

/** Accepts `{ data, shape }`, a typed array (1-D) or nested number arrays. */
function toNdArray(f: NdArray | NestedNumbers[] | NumericArray): {
  data: NumericArray | Float64Array;
  shape: number[];
} {
  if (ArrayBuffer.isView(f)) return { data: f as NumericArray, shape: [(f as NumericArray).length] };
  if (Array.isArray(f)) {
    const shape: number[] = [];
    let level: unknown = f;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const flat = (f as unknown[]).flat(shape.length) as unknown[];
    if (flat.length !== shape.reduce((a, b) => a * b, 1) || !checkNested(f, shape, 0)) {
      throw new TypeError("nested arrays are ragged: every row must have the same length");
    }
    if (!flat.every((v) => typeof v === "number")) throw new TypeError("input must contain only numbers");
    return { data: Float64Array.from(flat as number[]), shape };
  }
  if (typeof f !== "object" || f === null || !("data" in f) || !Array.isArray(f.shape)) {
    throw new TypeError("input must be { data, shape }, a typed array or nested number arrays");
  }
  const size = f.shape.reduce((a, b) => a * b, 1);
  if (!f.shape.every((s) => Number.isInteger(s) && s >= 0) || size !== f.data.length) {
    throw new TypeError(`shape [${f.shape.join(", ")}] does not match data of length ${f.data.length}`);
  }
  if (Array.isArray(f.data)) {
    if (!f.data.every((v) => typeof v === "number")) throw new TypeError("input must contain only numbers");
    return { data: Float64Array.from(f.data), shape: [...f.shape] };
  }
  if (!ArrayBuffer.isView(f.data) || f.data instanceof BigInt64Array || f.data instanceof BigUint64Array) {
    throw new TypeError("data must be a numeric typed array or a number array");
  }
  return { data: f.data, shape: [...f.shape] };
}

function checkNested(value: unknown, shape: number[], depth: number): boolean {
  if (depth === shape.length) return !Array.isArray(value);
  return (
    Array.isArray(value) &&
    value.length === shape[depth] &&
    value.every((v) => checkNested(v, shape, depth + 1))
  );
}

function normaliseAxes(axis: GradientOptions["axis"], ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const axes = list.map((a) => {
    if (!Number.isInteger(a)) throw new TypeError(`axis must be an integer but received ${String(a)}`);
    if (a < -ndim || a >= ndim)
      throw new RangeError(`axis ${a} is out of bounds for array of dimension ${ndim}`);
    return a < 0 ? a + ndim : a;
  });
  if (new Set(axes).size !== axes.length) throw new RangeError(`repeated axis in [${list.join(", ")}]`);
  return axes;
}

function normaliseSpacing(
  spacing: GradientOptions["spacing"],
  axes: number[],
  shape: number[],
): AxisSpacing[] {
  if (spacing === undefined) return axes.map(() => ({ uniform: 1 }));
  if (typeof spacing === "number") return axes.map(() => ({ uniform: spacing }));
  if (!Array.isArray(spacing) || spacing.length !== axes.length) {
    throw new TypeError(
      `invalid number of spacing entries: expected none, one number, or ${axes.length} (one per selected axis)`,
    );
  }
  return spacing.map((entry, k) => {
    if (typeof entry === "number") return { uniform: entry };
    if (!isArrayLikeNumbers(entry)) {
      throw new TypeError(`spacing entry ${k} must be a number or a 1-D coordinate array`);
    }
    const axis = axes[k]!;
    if (entry.length === 1) throw new RangeError(`spacing entry ${k} is a coordinate array of length 1`);
    if (entry.length !== shape[axis]) {
      throw new RangeError(
        `spacing entry ${k} has ${entry.length} coordinates but axis ${axis} has length ${shape[axis]}`,
      );
    }
    const float32 = entry instanceof Float32Array;
    const coords = Float64Array.from(entry as ArrayLike<number>);
    const steps = new Float64Array(coords.length - 1);
    for (let i = 0; i < steps.length; i++)
      steps[i] = float32 ? r(coords[i + 1]! - coords[i]!) : coords[i + 1]! - coords[i]!;
    // numpy: exactly equal differences take the uniform formulas.
    if (steps.length > 0 && steps.every((s) => s === steps[0])) {
      // A float32 step stays float32 arithmetic (like a weak scalar); a float64 one is strong (see the f32 path).
      return float32
        ? { uniform: steps[0]! }
        : ({ uniform: steps[0]!, fromCoordinates: true } as AxisSpacing);
    }
    return { steps, float32 };
  });
}

function isArrayLikeNumbers(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView);
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}
