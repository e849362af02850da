/**
 * One helper validates every option at the boundary and writes one kind of message:
 * `Expected <what> for <name> but received <value>`.
 */
import { UsageError } from "./errors.js";

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  return typeof value;
}

/** Throws the project's single kind of option error. */
export function invalid(name: string, expected: string, received: unknown): never {
  throw new UsageError(`Expected ${expected} for ${name} but received ${show(received)}`);
}

/**
 * Range of `number`: `min`/`max` are inclusive unless `exclusiveMin`/`exclusiveMax`. `strings: false` refuses
 * numeric strings (library calls, where "5" is a mistake; the CLI passes its strings through).
 */
export interface NumberRange {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  strings?: boolean;
}

/**
 * What a range asks for, in words that state each bound as it is: `number greater than 0 and at most 90`,
 * `number between 1 and 5` (both inclusive), `number of at least 0`.
 */
function describeRange(kind: "number" | "integer", range: NumberRange): string {
  const { min, max, exclusiveMin, exclusiveMax } = range;
  const lower = min === undefined ? undefined : exclusiveMin ? `greater than ${min}` : `of at least ${min}`;
  const upper = max === undefined ? undefined : exclusiveMax ? `less than ${max}` : `of at most ${max}`;
  if (min !== undefined && max !== undefined && !exclusiveMin && !exclusiveMax) {
    return `${kind} between ${min} and ${max}`;
  }
  // "of at least 1 and at most 5" reads badly: the second bound drops its "of".
  if (lower && upper) return `${kind} ${lower} and ${upper.replace(/^of /, "")}`;
  return lower || upper ? `${kind} ${lower ?? upper}` : kind;
}

/** Runs checks whose errors are about `file`: a `UsageError` they throw names it (unless it names one already). */
export function checkingFile<T>(file: string, checks: () => T): T {
  try {
    return checks();
  } catch (error) {
    if (error instanceof UsageError) error.file ??= file;
    throw error;
  }
}

/** A finite number, optionally within a range (see `NumberRange`). Strings are parsed strictly. */
export function number(name: string, value: unknown, range: NumberRange = {}): number {
  const parse = typeof value === "string" && value.trim() !== "" && range.strings !== false;
  const n = parse ? Number(value) : value;
  const { min, max, exclusiveMin, exclusiveMax } = range;
  const expected = describeRange("number", range);
  if (typeof n !== "number" || !Number.isFinite(n)) invalid(name, expected, value);
  if (min !== undefined && (exclusiveMin ? n <= min : n < min)) invalid(name, expected, value);
  if (max !== undefined && (exclusiveMax ? n >= max : n > max)) invalid(name, expected, value);
  return n;
}

/** A nodata value: a finite number, or NaN (also the string `nan`, as `--nodata` takes it). */
export function nodataValue(name: string, value: unknown): number {
  if (typeof value === "string" && value.trim().toLowerCase() === "nan") return Number.NaN;
  if (typeof value === "number" && Number.isNaN(value)) return value;
  return number(name, value);
}

/** An integer within [min, max] (`strings: false` as for `number`). */
export function integer(
  name: string,
  value: unknown,
  range: { min?: number; max?: number; strings?: boolean } = {},
): number {
  const parse = typeof value === "string" && /^[+-]?\d+$/.test(value.trim()) && range.strings !== false;
  const n = parse ? Number(value) : value;
  const { min, max } = range;
  const expected = describeRange("integer", range);
  if (typeof n !== "number" || !Number.isInteger(n)) invalid(name, expected, value);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) invalid(name, expected, value);
  return n;
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    invalid(name, `one of ${allowed.join(", ")}`, value);
  }
  return value as T;
}

/**
 * Several of a fixed set of strings, each at most once: an array, or one string of comma-separated names (the
 * command line's `--type profile,plan`).
 */
export function listOf<const T extends string>(name: string, value: unknown, allowed: readonly T[]): T[] {
  const items = typeof value === "string" ? value.split(",").map((item) => item.trim()) : value;
  const expected = `one or more of ${allowed.join(", ")} (comma-separated, each once)`;
  if (!Array.isArray(items) || items.length === 0) invalid(name, expected, value);
  for (const item of items) {
    if (typeof item !== "string" || !(allowed as readonly string[]).includes(item))
      invalid(name, expected, value);
  }
  if (new Set(items).size !== items.length) invalid(name, expected, value);
  return [...items] as T[];
}

/** A boolean (the strings "true"/"false" are accepted from the command line). */
export function boolean(name: string, value: unknown): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return invalid(name, "boolean", value);
}

/**
 * The array a kernel writes into: `out` when given (it must be a `type` of exactly `length` values), else a new one.
 *
 * @example
 * ```ts
 * const out = outputArray("out", given, Float32Array, grad.dzdx.length);
 * ```
 */
export function outputArray<T extends Float32Array | Uint8Array>(
  name: string,
  out: unknown,
  type: new (length: number) => T,
  length: number,
): T {
  if (out === undefined) return new type(length);
  if (!(out instanceof type) || out.length !== length) invalid(name, `${type.name} of length ${length}`, out);
  return out as T;
}
