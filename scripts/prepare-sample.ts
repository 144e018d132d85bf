/**
 * `pnpm sample [folder]`: writes the WordNet sample dataset as JSON Lines {text,label}
 * (default folder `.tollgate/sample/`): wordnet-batch1.jsonl and wordnet-batch2.jsonl (a
 * deterministic 50/50 split by hash of the text), wordnet-all.jsonl, and WORDNET-LICENSE.
 */
import { writeSample } from "../packages/local/src/sample/wordnet.ts";

const sample = await writeSample(process.argv[2] ?? ".tollgate/sample/");
process.stdout.write(
  `wrote ${sample.all.rows} glosses (${sample.labels} labels; batch1 ${sample.batch1.rows}, batch2 ${sample.batch2.rows}) to ${sample.dir}\n`,
);
