/** Entry name → path: TypeScript sources in, bundled `.mjs` files out. */
export type BundleEntries = Record<string, string>;

/** What a build records in `<cacheDir>/<key>.json`: the input files and the directory their digest names. */
export interface BuildRecord {
  inputs: string[];
  dir: string;
}

export function bundleKey(entries: BundleEntries): string;
export function inputsDigest(inputs: string[]): string;
export function currentBundle(entries: BundleEntries, cacheDir: string): BundleEntries | undefined;
