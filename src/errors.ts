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

/** Warnings go to their own channel so library users can route them; the CLI prints them to stderr. */
export type WarningHandler = (message: string) => void;

/** Default warning sink: stderr with the `demgrad: warning:` prefix. */
export const warnToStderr: WarningHandler = (message) => {
  process.stderr.write(`demgrad: warning: ${message}\n`);
};
