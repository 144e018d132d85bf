/**
 * Makes stack traces through the bundle in `dir` name the TypeScript sources and lines (the chunks'
 * linked source maps, read when a stack is first formatted).
 */
export function mapStacks(dir: string): void;
