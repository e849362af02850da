/**
 * Outputs appear atomically: written under temporary names in the same folder (so the final rename stays on one
 * file system), renamed into place when complete, removed on error or abort.
 */
import { randomBytes } from "node:crypto";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { AbortError, DemgradError, OutputError } from "../errors.js";

/** The longest file name most file systems take (NAME_MAX, in bytes). */
const NAME_MAX = 255;

/**
 * The temporary name next to `path`: hidden, with the process id and a random part so parallel writers never
 * collide, ending in `suffix`. The stem taken from the output's name is shortened when needed so the whole name
 * stays within NAME_MAX bytes: any output name the file system takes gets a temporary name it takes too.
 *
 * @example
 * ```ts
 * temporaryName("out/slope.tif"); // "out/.slope.tif.4242.9f86d081.tmp"
 * temporaryName("out/shade.png", ".grey.tif"); // "out/.shade.png.4242.5e1c0a2b.tmp.grey.tif"
 * ```
 */
export function temporaryName(path: string, suffix = ""): string {
  const tail = `.${process.pid}.${randomBytes(4).toString("hex")}.tmp${suffix}`;
  const room = NAME_MAX - 1 - Buffer.byteLength(tail);
  return join(dirname(path), `.${truncateUtf8(basename(path), room)}${tail}`);
}

/** The longest prefix of `text` that fits `bytes` UTF-8 bytes, never splitting a character. */
function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = "";
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/**
 * One line saying what went wrong while writing `path` and what to do, as an `OutputError` naming the file.
 * `DemgradError`s pass through unchanged.
 *
 * @example
 * ```ts
 * try { await open("missing/out.tif", "wx"); } catch (e) { throw outputError("missing/out.tif", e); }
 * ```
 */
export function outputError(path: string, error: unknown): DemgradError {
  if (error instanceof DemgradError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message =
    code === "ENOENT"
      ? "the output folder does not exist: create it first"
      : code === "ENOTDIR"
        ? "the output folder is not a folder: check the path"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "cannot write here (permission denied): choose another folder"
          : code === "ENOSPC" || code === "EDQUOT"
            ? "disk full: free some space or write elsewhere"
            : code === "EISDIR"
              ? "a folder has this name: choose another output name"
              : code === "ENAMETOOLONG"
                ? "the file name is too long: choose a shorter name"
                : `cannot write (${String((error as Error)?.message ?? error).split("\n")[0]}): check the output path`;
  return new OutputError(message, { file: path, cause: error });
}

/**
 * A set of output files that appear together: each is written under its temporary name, then `commit` renames
 * them all, or `discard` removes them. When the AbortSignal fires, the writer's clean-up runs at once.
 *
 * @example
 * ```ts
 * const files = new AtomicFiles("shade.png", signal);
 * const png = files.add("shade.png");
 * const world = files.add("shade.pgw");
 * // ... write png and world ...
 * await files.commit(); // or: await files.discard();
 * ```
 */
export class AtomicFiles {
  private readonly pairs: Array<[temporary: string, final: string]> = [];
  private readonly onAbort: () => void;
  private settled = false;

  /**
   * `path` names the output in errors. When `signal` fires, `abort` runs: the writer's own clean-up, which must
   * call `discard` (by default just `discard`).
   */
  constructor(
    readonly path: string,
    private readonly signal?: AbortSignal | undefined,
    abort?: () => Promise<void>,
  ) {
    if (signal?.aborted) throw new AbortError(undefined, { file: path });
    this.onAbort = () => void (abort ?? (() => this.discard()))().catch(() => {});
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Registers `final` and returns the temporary name to write it under. */
  add(final: string): string {
    const temporary = temporaryName(final);
    this.pairs.push([temporary, final]);
    return temporary;
  }

  /** Whether the files were committed or discarded (abort included). */
  get closed(): boolean {
    return this.settled;
  }

  /** Throws `AbortError` if the signal fired, or an `OutputError` if the files were committed or discarded. */
  check(): void {
    if (this.signal?.aborted) throw new AbortError(undefined, { file: this.path });
    if (this.settled) throw new OutputError("the writer is already closed", { file: this.path });
  }

  /**
   * Renames every temporary file to its final name, the first registered last (so a main file never appears
   * without its sidecars). If a rename fails, the files already renamed are removed too.
   */
  async commit(): Promise<void> {
    this.check();
    this.settled = true;
    this.signal?.removeEventListener("abort", this.onAbort);
    const done: string[] = [];
    for (const [temporary, final] of [...this.pairs].reverse()) {
      try {
        await rename(temporary, final);
        done.push(final);
      } catch (error) {
        await removeAll([...done, ...this.pairs.map(([t]) => t)]);
        throw outputError(final, error);
      }
    }
  }

  /**
   * Removes the temporary files (those never written are ignored). Safe to call more than once, and again after
   * a late encoder (one that finished after an abort) recreated a file.
   */
  async discard(): Promise<void> {
    this.settled = true;
    this.signal?.removeEventListener("abort", this.onAbort);
    await removeAll(this.pairs.map(([temporary]) => temporary));
  }
}

async function removeAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => unlink(p).catch(() => {})));
}
