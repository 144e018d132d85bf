/** The file a user names on the command line, checked before anything is written. */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { InvalidInputError } from "@tollgate/core/errors";

const MAX_SHOWN = 80;
const shown = (file: string) =>
  file.length > MAX_SHOWN ? `${file.slice(0, MAX_SHOWN)}… (${file.length} characters)` : file;

/** What went wrong opening `file`, in words, with what to do (no raw errno text). */
function problemOf(file: string, code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return `file ${shown(file)} does not exist: check the path`;
    case "ENAMETOOLONG":
      return `the path ${shown(file)} is too long for the file system: move or rename the file`;
    case "ENOTDIR":
      return `the path ${shown(file)} goes through something that is not a folder: check the path`;
    case "EACCES":
    case "EPERM":
      return `file ${shown(file)} cannot be read (permission denied): check its permissions`;
    case "ELOOP":
      return `the path ${shown(file)} has a loop of symbolic links: name the file itself`;
    default:
      return `file ${shown(file)} cannot be read (${code ?? "unknown error"})`;
  }
}

/**
 * Checks that `file` is a regular file this process can read.
 * @throws InvalidInputError in one line saying what is wrong and what to do (missing, a folder, a path
 *   too long, no permission).
 * @example await checkInputFile("reviews.jsonl");
 */
export async function checkInputFile(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InvalidInputError(`${shown(file)} is a folder: name a JSON Lines or CSV file`);
    if (!info.isFile())
      throw new InvalidInputError(`${shown(file)} is not a regular file: name a JSON Lines or CSV file`);
    await access(file, constants.R_OK);
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(problemOf(file, (err as NodeJS.ErrnoException).code), { cause: err });
  }
}
