/**
 * An N-dimensional equivalent of `numpy.gradient` (DESIGN §4): numpy's argument rules, formulas and evaluation
 * order, so float64 results match numpy bit for bit. Float32 input follows numpy's float32 arithmetic.
 */
import type { FloatArray, NdArray, NestedNumbers, NumericArray } from "./ndarray.js";
import { type AxisSpacing, normaliseAxes, normaliseSpacing, type StepType, toNdArray } from "./normalize.js";
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
  /** Omitted (1), one number (or `[h]`, as numpy) for every axis, or one entry per selected axis: a step or a coordinate array. */
  spacing?: number | ReadonlyArray<number | ArrayLike<number>>;
  /** Axis, axes (negative counts from the end; order kept), or null/omitted for all axes. */
  axis?: number | readonly number[] | null;
  /** Accuracy at the borders: 1 (default) or 2. */
  edgeOrder?: 1 | 2;
}

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
  // numpy converts integers to float64 before subtracting: no overflow or wrap-around.
  const values: Float32Array | Float64Array =
    float32 || data instanceof Float64Array ? data : Float64Array.from(data);
  return axes.map((axis, k) => {
    const n = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const sp = spacing[k]!;
    const out = float32 ? new Float32Array(values.length) : new Float64Array(values.length);
    // float64 input and a float64 (or weak) step: plain float64 arithmetic through the stencils.
    const float64Only = !float32 && sp.type !== "float32";
    if (float64Only && "uniform" in sp) {
      differentiateUniformBlocks(
        values as Float64Array,
        out as Float64Array,
        outer,
        n,
        inner,
        sp.uniform,
        edgeOrder,
      );
      return { data: out, shape: [...shape] };
    }
    const rounding = roundingFor(float32, sp.type);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const start = o * n * inner + i;
        if (float64Only)
          differentiateLine(values, out as Float64Array, start, { n, stride: inner }, sp, edgeOrder);
        else differentiateLineMixed(values, out, start, { n, stride: inner }, sp, edgeOrder, rounding);
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
      // The last axis: one contiguous line, read once (a sliding window of two values).
      let previous = f[base]!;
      let current = f[base + 1]!;
      for (let i = base + 1; i < base + n - 1; i++) {
        const next = f[i + 1]!;
        out[i] = centralUniform(previous, next, h);
        previous = current;
        current = next;
      }
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

/** float64 arithmetic throughout: numpy's formulas through the shared stencils. */
function differentiateLine(
  f: ArrayLike<number>,
  out: Float64Array,
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

type Round = (x: number) => number;
const keep: Round = (x) => x;
const r: Round = Math.fround;

/**
 * Where numpy rounds to float32 when float32 is involved (NEP 50): `values` for differences of f (f's dtype),
 * `weights` for everything computed from the step alone (the step's dtype; a weak step takes f's), `products` for
 * weight × value and their sums (float32 only if both are). Each result is rounded again when stored.
 */
interface Rounding {
  values: Round;
  weights: Round;
  products: Round;
}

function roundingFor(float32Input: boolean, step: StepType): Rounding {
  const float32Weights = step === "float32" || (step === "weak" && float32Input);
  return {
    values: float32Input ? r : keep,
    weights: float32Weights ? r : keep,
    products: float32Input && float32Weights ? r : keep,
  };
}

/**
 * numpy's formulas (same order as the stencils) with float32 rounding where numpy's mixed-precision rules put it:
 * float32 input, or float32 coordinates. `out` is float32 for float32 input, so each result is rounded on store.
 */
function differentiateLineMixed(
  f: ArrayLike<number>,
  out: FloatArray,
  start: number,
  { n, stride }: Line,
  sp: AxisSpacing,
  edgeOrder: 1 | 2,
  { values: rv, weights: rw, products: rp }: Rounding,
): void {
  const at = (i: number) => f[start + i * stride]!;
  const last = start + (n - 1) * stride;
  const sum3 = (a: number, fa: number, b: number, fb: number, c: number, fc: number) =>
    rp(rp(rp(a * fa) + rp(b * fb)) + rp(c * fc));
  if ("uniform" in sp) {
    // Constants are computed from the step as given, then rounded (a weak step is a double until combined with f).
    const h = sp.uniform;
    const twoH = rw(2 * h);
    for (let i = 1; i < n - 1; i++) out[start + i * stride] = rv(at(i + 1) - at(i - 1)) / twoH;
    if (edgeOrder === 1) {
      out[start] = rv(at(1) - at(0)) / rw(h);
      out[last] = rv(at(n - 1) - at(n - 2)) / rw(h);
    } else {
      out[start] = sum3(rw(-1.5 / h), at(0), rw(2 / h), at(1), rw(-0.5 / h), at(2));
      out[last] = sum3(rw(0.5 / h), at(n - 3), rw(-2 / h), at(n - 2), rw(1.5 / h), at(n - 1));
    }
    return;
  }
  const d = sp.steps;
  for (let i = 1; i < n - 1; i++) {
    const d1 = d[i - 1]!;
    const d2 = d[i]!;
    const a = rw(-d2 / rw(d1 * rw(d1 + d2)));
    const b = rw(rw(d2 - d1) / rw(d1 * d2));
    const c = rw(d1 / rw(d2 * rw(d1 + d2)));
    out[start + i * stride] = sum3(a, at(i - 1), b, at(i), c, at(i + 1));
  }
  if (edgeOrder === 1) {
    out[start] = rv(at(1) - at(0)) / d[0]!;
    out[last] = rv(at(n - 1) - at(n - 2)) / d[n - 2]!;
    return;
  }
  {
    const d1 = d[0]!;
    const d2 = d[1]!;
    const a = rw(-rw(rw(2 * d1) + d2) / rw(d1 * rw(d1 + d2)));
    const b = rw(rw(d1 + d2) / rw(d1 * d2));
    const c = rw(-d1 / rw(d2 * rw(d1 + d2)));
    out[start] = sum3(a, at(0), b, at(1), c, at(2));
  }
  {
    const d1 = d[n - 3]!;
    const d2 = d[n - 2]!;
    const a = rw(d2 / rw(d1 * rw(d1 + d2)));
    const b = rw(-rw(d2 + d1) / rw(d1 * d2));
    const c = rw(rw(rw(2 * d2) + d1) / rw(d2 * rw(d1 + d2)));
    out[last] = sum3(a, at(n - 3), b, at(n - 2), c, at(n - 1));
  }
}
