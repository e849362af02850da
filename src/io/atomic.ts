/** Outputs appear atomically: written under a temporary name in the same folder, renamed when complete. */
import { randomBytes } from "node:crypto";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError } from "../errors.js";

/** The temporary name next to `path`. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** One line for a file-system error while writing `path`. */
export function outputError(path: string, error: unknown): OutputError {
  if (error instanceof OutputError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message =
    code === "ENOENT"
      ? "the output folder does not exist"
      : code === "ENOTDIR"
        ? "the output folder is not a folder"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "cannot write here (permission denied)"
          : code === "ENOSPC"
            ? "disk full: free some space or write elsewhere"
            : code === "EISDIR"
              ? "is a folder"
              : `cannot write: ${(error as Error)?.message ?? String(error)}`;
  return new OutputError(message, { file: path, cause: error });
}

/** Renames every temporary file to its final name (all written already). */
export async function commitAll(pairs: Array<[temporary: string, final: string]>): Promise<void> {
  for (const [temporary, final] of pairs) {
    try {
      await rename(temporary, final);
    } catch (error) {
      throw outputError(final, error);
    }
  }
}

/** Removes temporary files, ignoring those already gone. */
export async function discardAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => unlink(p).catch(() => {})));
}
