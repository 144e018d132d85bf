/**
 * The install's cache (node_modules/.cache/tollgate of this package, where other tools keep theirs):
 * what is worth keeping across processes and homes, and is valid for these sources only (the
 * definitions asl-validator found valid, the Map worker's bundle). Deleting it is always safe.
 */
import { fileURLToPath } from "node:url";

export const INSTALL_CACHE = fileURLToPath(new URL("../node_modules/.cache/tollgate/", import.meta.url));
