/** Row-major N-dimensional arrays as plain typed arrays plus a shape. */

/** Every numeric typed array the gradient core accepts. */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Floating-point results: Float32 stays Float32, everything else becomes Float64. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major N-d array. `data.length` equals the product of `shape`. */
export interface NdArray<T extends NumericArray | number[] = NumericArray | number[]> {
  data: T;
  shape: number[];
}

/** Nested number arrays, as accepted in place of `{ data, shape }`. */
export type NestedNumbers = number | NestedNumbers[];
