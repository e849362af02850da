/**
 * The error hierarchy. Every failure the library expects is a `DemgradError` with a stable `code`;
 * the CLI maps `UsageError` to exit status 2 and every other `DemgradError` to 1.
 */

/** Machine-readable error codes. */
export type DemgradErrorCode = "USAGE" | "INPUT" | "UNSUPPORTED" | "GEOREF" | "OUTPUT" | "ABORTED";

/**
 * Base class of every error demgrad reports on purpose.
 *
 * @example
 * ```ts
 * try { await readDem("missing.tif"); }
 * catch (e) { if (e instanceof DemgradError) console.error(e.code, e.message); }
 * ```
 */
export class DemgradError extends Error {
  readonly code: DemgradErrorCode;
  /** The file the error is about, when there is one (printed before the message by the CLI). */
  file: string | undefined;

  constructor(code: DemgradErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
  }
}

/** A bad option value or command line: exit status 2. */
export class UsageError extends DemgradError {
  constructor(message: string, options: { file?: string } = {}) {
    super("USAGE", message, options);
  }
}

/** The input file is missing, unreadable, corrupt or unsupported. */
export class InputError extends DemgradError {
  constructor(
    message: string,
    options: { file?: string; cause?: unknown; code?: "INPUT" | "UNSUPPORTED" } = {},
  ) {
    super(options.code ?? "INPUT", message, options);
  }
}

/** The georeferencing cannot be turned into ground distances. */
export class GeorefError extends DemgradError {
  constructor(message: string, options: { file?: string } = {}) {
    super("GEOREF", message, options);
  }
}

/** An output could not be written. */
export class OutputError extends DemgradError {
  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super("OUTPUT", message, options);
  }
}

/** The work was cancelled through an AbortSignal (Ctrl-C in the CLI). */
export class AbortError extends DemgradError {
  constructor(message = "interrupted", options: { file?: string } = {}) {
    super("ABORTED", message, options);
  }
}

/** An error as plain data, to cross from a worker thread to the caller (structured clone keeps no class or code). */
export interface ErrorData {
  name: string;
  message: string;
  code?: DemgradErrorCode;
  file?: string;
  stack?: string;
}

/** The plain-data form of any thrown value. */
export function errorToData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const data: ErrorData = { name: error.name, message: error.message };
  if (error.stack !== undefined) data.stack = error.stack;
  if (error instanceof DemgradError) {
    data.code = error.code;
    if (error.file !== undefined) data.file = error.file;
  }
  return data;
}

const DEMGRAD_ERRORS: Record<string, (data: ErrorData) => DemgradError> = {
  UsageError: (d) => new UsageError(d.message, fileOf(d)),
  InputError: (d) =>
    new InputError(d.message, { ...fileOf(d), code: d.code === "UNSUPPORTED" ? "UNSUPPORTED" : "INPUT" }),
  GeorefError: (d) => new GeorefError(d.message, fileOf(d)),
  OutputError: (d) => new OutputError(d.message, fileOf(d)),
  AbortError: (d) => new AbortError(d.message, fileOf(d)),
};

const STANDARD_ERRORS: Record<string, new (message: string) => Error> = {
  RangeError,
  TypeError,
  SyntaxError,
  ReferenceError,
};

function fileOf(data: ErrorData): { file?: string } {
  return data.file === undefined ? {} : { file: data.file };
}

/**
 * The error `errorToData` described, rebuilt as the same class: a `DemgradError` subclass with its code and file,
 * a standard error type, or a plain `Error`. The stack is the original thread's.
 *
 * @example
 * ```ts
 * const error = errorFromData(errorToData(new UsageError("bad"))); // UsageError, code "USAGE"
 * ```
 */
export function errorFromData(data: ErrorData): Error {
  let error: Error;
  if (data.code !== undefined) {
    error = (DEMGRAD_ERRORS[data.name] ?? ((d) => new DemgradError(d.code!, d.message, fileOf(d))))(data);
  } else {
    error = new (STANDARD_ERRORS[data.name] ?? Error)(data.message);
  }
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/** Warnings go to their own channel so library users can route them; the CLI prints them to stderr. */
export type WarningHandler = (message: string) => void;

/**
 * The text with control characters escaped (`\n`, `\t`, `\x1b`…): a file name holding a newline must not split the
 * one error line, nor an escape sequence reach the terminal.
 *
 * @example
 * ```ts
 * oneLine("demgrad: a\nb.tif: not found"); // "demgrad: a\\nb.tif: not found"
 * ```
 */
export function oneLine(text: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** Default warning sink: one stderr line with the `demgrad: warning:` prefix. */
export const warnToStderr: WarningHandler = (message) => {
  process.stderr.write(`${oneLine(`demgrad: warning: ${message}`)}\n`);
};
