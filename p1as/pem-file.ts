/**
 * Reads a certificate or key file named in a config or a prop. The name comes from whoever edits the
 * config (a pull request, say), so the read must not be a way to hang or exhaust the machine: only a
 * regular file, after symlinks are resolved, of at most a few PEM blocks' size. A device (`/dev/zero`)
 * or a FIFO is refused without reading a byte.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, Stats } from "node:fs";

/** A chain of a leaf and a few issuers is a few KB; 64 KiB leaves room for long chains. */
export const PEM_FILE_MAX_BYTES = 64 * 1024;

export type PemFileRead =
  | { readonly ok: true; readonly text: string; readonly realPath: string }
  | { readonly ok: false; readonly reason: string };

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** `file` as the error names it: the path given and, when symlinks lead elsewhere, where they lead. */
const named = (file: string, realPath: string) => (realPath === file ? file : `${file} (resolves to ${realPath})`);

/** Reads `file` (an absolute path) as UTF-8, or says why not. Never throws. */
export function readPemFile(file: string, maxBytes: number = PEM_FILE_MAX_BYTES): PemFileRead {
  let realPath: string;
  try {
    realPath = realpathSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: `${file} ${code === "ENOENT" ? "does not exist" : `cannot be resolved (${code ?? "error"})`}`,
    };
  }
  let fd: number | undefined;
  try {
    const before = statSync(realPath);
    if (!before.isFile())
      return { ok: false, reason: `${named(file, realPath)} is ${kindOf(before)}, not a regular file` };
    // O_NONBLOCK: if the path is swapped for a FIFO between the check and the open, the open must not wait for a writer.
    fd = openSync(realPath, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile())
      return { ok: false, reason: `${named(file, realPath)} is ${kindOf(stats)}, not a regular file` };
    if (stats.size > maxBytes) {
      return {
        ok: false,
        reason: `${named(file, realPath)} is ${stats.size} bytes; a PEM file is a few KB (at most ${maxBytes} bytes are read)`,
      };
    }
    const buffer = Buffer.alloc(maxBytes + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > maxBytes)
      return { ok: false, reason: `${named(file, realPath)} grew past ${maxBytes} bytes while it was read` };
    return { ok: true, text: buffer.subarray(0, length).toString("utf8"), realPath };
  } catch (error) {
    return {
      ok: false,
      reason: `${named(file, realPath)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
