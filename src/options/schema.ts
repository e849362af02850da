/**
 * The option schema: one declaration per option (library name, command-line flag, type, default, bounds, help)
 * drives the commander definitions, the library's validation and the resolved option types. Products declare
 * their own options in the same form (src/products/); the common ones are in ./common.ts.
 */
import { UsageError } from "../errors.js";
import {
  boolean,
  integer,
  invalid,
  listOf,
  type NumberRange,
  nodataValue,
  number,
  oneOf,
} from "../validate.js";

/** What a default may depend on (`--compat gdaldem` changes several), and how files are read. */
export interface DefaultContext {
  compat: boolean;
  /** Reads the text of a file option's file (the pipeline's I/O); without it file options are refused. */
  readText?: (path: string) => string;
}

type Default<T> = T | ((context: DefaultContext) => T);

interface SpecBase<K extends string> {
  /** The library's option name (`zFactor`). */
  key: K;
  /** commander's flags (`-z, --zfactor <n>`); the attribute commander stores is derived from the long flag. */
  flags: string;
  help: string;
  /** The default as commander shows and passes it (a string, as typed on the command line). */
  cliDefault?: string;
  /** The name in messages when it differs from the key spelt with dashes (`edge order`). */
  label?: string;
  /** Keys of options that cannot be given with this one (each pair is refused, naming both flags). */
  conflicts?: readonly string[];
}

export interface NumberSpec<K extends string = string> extends SpecBase<K> {
  type: "number";
  default?: Default<number>;
  range?: NumberRange;
}

export interface IntegerSpec<K extends string = string> extends SpecBase<K> {
  type: "integer";
  default?: Default<number>;
  range?: { min?: number; max?: number };
}

export interface ChoiceSpec<K extends string = string, C extends string = string> extends SpecBase<K> {
  type: "choice";
  choices: readonly C[];
  default?: Default<C>;
  /** The choices the command line offers, where fewer than the library's (`--compat gdaldem`). */
  cliChoices?: readonly C[];
  /** Choices that are numbers (`--edge-order 1|2`): resolved to the number. */
  numeric?: true;
}

/** Several of a fixed set, comma-separated (`--type profile,plan`): resolved to an array, each at most once. */
export interface ChoiceListSpec<K extends string = string, C extends string = string> extends SpecBase<K> {
  type: "choice-list";
  choices: readonly C[];
  default?: Default<readonly C[]>;
}

export interface BooleanSpec<K extends string = string> extends SpecBase<K> {
  type: "boolean";
  default: Default<boolean>;
}

/** A number or `nan` (nodata values). */
export interface NodataSpec<K extends string = string> extends SpecBase<K> {
  type: "nodata";
}

/** A positive integer or `auto` (`--overview-levels`). */
export interface CountSpec<K extends string = string> extends SpecBase<K> {
  type: "count-or-auto";
  default?: "auto";
}

/**
 * A file the option names (`--color-file`): the caller passes its path; the pipeline reads it where options are
 * resolved and `parse` turns its text into plain data, the option's resolved value (I/O stays out of this layer).
 */
export interface FileSpec<K extends string = string, T = unknown> extends SpecBase<K> {
  type: "file";
  /** Text to data; throws an error naming `name` (the path) for text it cannot read. */
  parse: (text: string, name: string) => T;
}

export type OptionSpec =
  | NumberSpec
  | IntegerSpec
  | ChoiceSpec<string, string>
  | ChoiceListSpec<string, string>
  | BooleanSpec
  | NodataSpec
  | CountSpec
  | FileSpec;

/** The resolved value type of one spec. */
type ValueOf<S> = S extends { type: "file"; parse: (...args: never[]) => infer T }
  ? T
  : S extends { type: "count-or-auto" }
    ? number | "auto"
    : S extends { type: "number" | "integer" | "nodata" }
      ? number
      : S extends { type: "choice-list"; choices: readonly (infer C)[] }
        ? readonly C[]
        : S extends { type: "choice"; numeric: true; choices: readonly (infer C)[] }
          ? C extends `${infer N extends number}`
            ? N
            : never
          : S extends { type: "choice"; choices: readonly (infer C)[] }
            ? C
            : S extends { type: "boolean" }
              ? boolean
              : never;

/** What a caller may pass for one spec: numbers also as strings (the command line passes its strings through). */
type RawOf<S> = S extends { type: "file" }
  ? string
  : S extends { type: "count-or-auto" }
    ? number | string
    : S extends { type: "number" | "integer" | "nodata" }
      ? number | string
      : S extends { type: "choice-list"; choices: readonly (infer C)[] }
        ? C | readonly C[] | string
        : S extends { type: "choice"; choices: readonly (infer C)[] }
          ? C | (C extends `${infer N extends number}` ? N : never)
          : S extends { type: "boolean" }
            ? boolean
            : never;

/** Options without a default stay undefined when not given. */
type Resolved1<S> = S extends { default: unknown } | { type: "boolean" }
  ? ValueOf<S>
  : ValueOf<S> | undefined;

/** The resolved options of a list of specs. */
export type ResolvedOf<Specs extends readonly OptionSpec[]> = {
  [S in Specs[number] as S["key"]]: Resolved1<S>;
};

/** The raw options a caller may pass for a list of specs. */
export type RawOf_<Specs extends readonly OptionSpec[]> = {
  [S in Specs[number] as S["key"]]?: RawOf<S> | undefined;
};
export type { RawOf_ as RawOptionsOf };

const defined = (v: unknown) => v !== undefined && v !== null;

/** The commander attribute of a flag set: `--zero-for-flat` → `zeroForFlat`, `--no-edges` → `edges`. */
export function attributeName(flags: string): string {
  const long = /--(?:no-)?([a-z0-9-]+)/.exec(flags)?.[1] ?? flags;
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Validates one raw value against its spec, or applies the default; the one place option values are checked. */
export function resolveOne(spec: OptionSpec, raw: unknown, context: DefaultContext): unknown {
  const fallback = "default" in spec ? spec.default : undefined;
  const value = defined(raw) ? raw : typeof fallback === "function" ? fallback(context) : fallback;
  if (!defined(value)) return undefined;
  const name = spec.label ?? labelOf(spec);
  switch (spec.type) {
    case "number":
      return number(name, value, spec.range);
    case "integer":
      return integer(name, value, spec.range);
    case "choice": {
      const choice = oneOf(name, typeof value === "number" ? String(value) : value, spec.choices);
      return spec.numeric ? Number(choice) : choice;
    }
    case "choice-list":
      return listOf(name, value, spec.choices);
    case "boolean":
      return boolean(name, value);
    case "count-or-auto":
      return value === "auto" ? value : integer(name, value, { min: 1 });
    case "nodata":
      return nodataValue(name, value);
    case "file": {
      if (typeof value !== "string" || value === "") invalid(name, "a file path", value);
      if (!context.readText) throw new UsageError(`${name}: files are read only by the pipeline's options`);
      return spec.parse(context.readText(value), value);
    }
  }
}

/** The long flag of a spec (`--color-file`). */
function longFlag(spec: OptionSpec): string {
  return /--[a-z0-9-]+/.exec(spec.flags)?.[0] ?? spec.key;
}

/** Whether the caller gave an option (a boolean switch counts when on, as the command line gives it). */
function given(spec: OptionSpec, raw: unknown): boolean {
  return spec.type === "boolean" ? raw === true || raw === "true" : defined(raw);
}

/** Refuses options given together that their specs declare conflicting, naming both flags. */
function refuseConflicts(specs: readonly OptionSpec[], raw: Record<string, unknown>): void {
  for (const spec of specs) {
    if (!spec.conflicts || !given(spec, raw[spec.key])) continue;
    for (const key of spec.conflicts) {
      const other = specs.find((s) => s.key === key);
      if (other && given(other, raw[key]))
        throw new UsageError(`${longFlag(spec)} cannot be combined with ${longFlag(other)}`);
    }
  }
}

/** The name messages use: the long flag without dashes (`z-factor` style for `zFactor`). */
function labelOf(spec: OptionSpec): string {
  return spec.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Resolves every spec of a list from a raw options object. */
export function resolveAll<const Specs extends readonly OptionSpec[]>(
  specs: Specs,
  raw: Record<string, unknown>,
  context: DefaultContext,
): ResolvedOf<Specs> {
  refuseConflicts(specs, raw);
  const out: Record<string, unknown> = {};
  for (const spec of specs) out[spec.key] = resolveOne(spec, raw[spec.key], context);
  return out as ResolvedOf<Specs>;
}

/** Declares options with their literal types kept (for `ResolvedOf`). */
export function defineOptions<const Specs extends readonly OptionSpec[]>(specs: Specs): Specs {
  return specs;
}
