/**
 * numpy.gradient's argument handling for the gradient core: input, axes and spacing, checked in numpy's order
 * (the caller checks edgeOrder and the axis sizes after these).
 */
import type { NdArray, NestedNumbers, NumericArray } from "./ndarray.js";

/**
 * The dtype numpy computes a step's coefficients in. "weak" is a plain number (a Python float), which takes the
 * dtype of f (NEP 50); coordinate arrays are float64, except Float32Array coordinates.
 */
export type StepType = "weak" | "float64" | "float32";

/** One axis' spacing: a uniform step, or the differences of a non-uniform coordinate array. */
export type AxisSpacing =
  | { uniform: number; type: StepType }
  | { steps: Float64Array; type: Exclude<StepType, "weak"> };

/**
 * The gradient core's input as `{ data, shape }`: a typed array is 1-D, number arrays (flat or nested) become
 * Float64Array; a typed array in `{ data, shape }` is kept as is.
 *
 * @example
 * ```ts
 * toNdArray([[1, 2], [3, 4]]); // { data: Float64Array [1, 2, 3, 4], shape: [2, 2] }
 * ```
 */
export function toNdArray(f: NdArray | NestedNumbers[] | NumericArray): {
  data: NumericArray;
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
    if (!isRectangular(f, shape, 0)) {
      throw new TypeError("nested arrays are ragged: every row must have the same length");
    }
    return { data: numbers((f as unknown[]).flat(shape.length)), shape };
  }
  if (typeof f !== "object" || f === null || !("data" in f) || !Array.isArray(f.shape)) {
    throw new TypeError("input must be { data, shape }, a typed array or nested number arrays");
  }
  const size = f.shape.reduce((a, b) => a * b, 1);
  if (!f.shape.every((s) => Number.isInteger(s) && s >= 0) || size !== f.data?.length) {
    throw new TypeError(`shape [${f.shape.join(", ")}] does not match data of length ${f.data?.length}`);
  }
  if (Array.isArray(f.data)) return { data: numbers(f.data), shape: [...f.shape] };
  if (!ArrayBuffer.isView(f.data) || f.data instanceof BigInt64Array || f.data instanceof BigUint64Array) {
    throw new TypeError("data must be a numeric typed array or a number array");
  }
  return { data: f.data, shape: [...f.shape] };
}

function numbers(values: unknown[]): Float64Array {
  if (!values.every((v) => typeof v === "number")) throw new TypeError("input must contain only numbers");
  return Float64Array.from(values as number[]);
}

function isRectangular(value: unknown, shape: number[], depth: number): boolean {
  if (depth === shape.length) return !Array.isArray(value);
  return (
    Array.isArray(value) &&
    value.length === shape[depth] &&
    value.every((v) => isRectangular(v, shape, depth + 1))
  );
}

/**
 * The selected axes, non-negative, in the order given (null/undefined: all of them).
 *
 * @example
 * ```ts
 * normaliseAxes([-1, 0], 3); // [2, 0]
 * ```
 */
export function normaliseAxes(axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const axes = list.map((a) => {
    if (!Number.isInteger(a)) throw new TypeError(`axis must be an integer but received ${String(a)}`);
    if (a < -ndim || a >= ndim) {
      throw new RangeError(`axis ${a} is out of bounds for array of dimension ${ndim}`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(axes).size !== axes.length) throw new RangeError(`repeated axis in [${list.join(", ")}]`);
  return axes;
}

/**
 * One {@link AxisSpacing} per selected axis. Coordinate arrays become their differences; exactly equal differences
 * become a uniform step (numpy's `(dx == dx[0]).all()` rule). Integer coordinates are converted to float64 first.
 *
 * @example
 * ```ts
 * normaliseSpacing([[0, 1, 3]], [0], [3]); // [{ steps: Float64Array [1, 2], type: "float64" }]
 * normaliseSpacing([1.5], [0, 1], [3, 4]); // 1.5 on both axes, as np.gradient(f, 1.5)
 * ```
 */
export function normaliseSpacing(
  spacing: number | ReadonlyArray<number | ArrayLike<number>> | undefined,
  axes: number[],
  shape: number[],
): AxisSpacing[] {
  if (spacing === undefined) return axes.map(() => ({ uniform: 1, type: "weak" }));
  if (typeof spacing === "number") return axes.map(() => ({ uniform: spacing, type: "weak" }));
  // numpy's `np.gradient(f, h)`: one scalar in the list is the step on every axis (a lone coordinate array is
  // not, and stays an error unless one axis is selected).
  if (Array.isArray(spacing) && spacing.length === 1 && typeof spacing[0] === "number") {
    const step = spacing[0];
    return axes.map(() => ({ uniform: step, type: "weak" }));
  }
  if (!Array.isArray(spacing) || spacing.length !== axes.length) {
    throw new TypeError(
      `invalid number of spacing entries: expected none, one number, or ${axes.length} (one per selected axis)`,
    );
  }
  return spacing.map((entry, k): AxisSpacing => {
    if (typeof entry === "number") return { uniform: entry, type: "weak" };
    if (!isNumberList(entry)) {
      throw new TypeError(`spacing entry ${k} must be a number or a 1-D coordinate array`);
    }
    const axis = axes[k]!;
    if (entry.length < 2) {
      throw new RangeError(
        `spacing entry ${k} is a coordinate array of length ${entry.length}: at least 2 needed`,
      );
    }
    if (entry.length !== shape[axis]) {
      throw new RangeError(
        `spacing entry ${k} has ${entry.length} coordinates but axis ${axis} has length ${shape[axis]}`,
      );
    }
    // Float32Array coordinates: numpy's differences (and weights) are float32; all others are float64.
    const type = entry instanceof Float32Array ? "float32" : "float64";
    const round = type === "float32" ? Math.fround : (x: number) => x;
    const steps = new Float64Array(entry.length - 1);
    for (let i = 0; i < steps.length; i++) steps[i] = round(entry[i + 1]! - entry[i]!);
    return steps.every((s) => s === steps[0]) ? { uniform: steps[0]!, type } : { steps, type };
  });
}

function isNumberList(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) {
    return !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array);
  }
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}
