/** `pnpm --filter @tollgate/console build`: builds the web page into dist/ now, stale or not. */
import { buildBundle } from "./bundle.ts";

const started = performance.now();
const { dir, files } = await buildBundle();
process.stdout.write(`built ${files.join(", ")} into ${dir} in ${Math.round(performance.now() - started)} ms\n`);
