import type { Confusions, EvaluateShardInput, EvaluateShardOutput } from "../contracts.ts";
import { InvalidDatasetError, ModelNotFoundError } from "../errors.ts";
import { OnnxTextClassifier } from "../ml/onnx/runtime.ts";
import { childIndex, padded, splitRows } from "./shards.ts";
import type { StepPorts } from "./step-ports.ts";

/** Test rows scored per onnxruntime call batch (memory stays bounded whatever the shard size). */
const CHUNK_ROWS = 8192;

/** Where an Evaluate child's confusion counts go. */
export const confusionsKey = (runId: string, index: number) => `runs/${runId}/evaluate/child-${padded(index)}.json`;

/**
 * A child of the Evaluate Map: scores the candidate's exported model.onnx, and the live model when
 * there is one, on the test rows of its shards with onnxruntime, and writes their confusion counts
 * (Score sums them). The rows are scored in chunks: memory does not grow with the shards.
 * @throws ModelNotFoundError when the live pointer names a version the registry does not have.
 * @example const out = await evaluateShard(ports, { BatchInput, Items: [{ index: 0, key, rows }] });
 */
export async function evaluateShard(ports: StepPorts, input: EvaluateShardInput): Promise<EvaluateShardOutput> {
  const { BatchInput: job, Items: items } = input;
  const pointer = await ports.registry.getLive(job.modelName);
  const liveRecord = pointer ? await ports.registry.getModelVersion(job.modelName, pointer.version) : undefined;
  if (pointer && !liveRecord)
    throw new ModelNotFoundError(`live model ${job.modelName}@${pointer.version} has no registry record`);
  const candidate = await OnnxTextClassifier.load(await ports.models.get(job.modelKey));
  const live = liveRecord ? await OnnxTextClassifier.load(await ports.models.get(liveRecord.modelKey)) : undefined;
  try {
    const labels = [...new Set([...candidate.labels, ...(live?.labels ?? [])])].sort();
    const classOf = new Map(labels.map((label, i) => [label, i]));
    const matrix = () => labels.map(() => new Array<number>(labels.length).fill(0));
    const counts = { candidate: matrix(), live: matrix() };
    let rows = 0;
    const score = async (texts: string[], truth: number[]) => {
      const tally = async (model: OnnxTextClassifier, into: number[][]) => {
        const { labels: predicted } = await model.predict(texts);
        predicted.forEach((label, k) => {
          into[truth[k]!]![classOf.get(label)!]!++;
        });
      };
      await tally(candidate, counts.candidate);
      if (live) await tally(live, counts.live);
      rows += texts.length;
    };
    let texts: string[] = [];
    let truth: number[] = [];
    for await (const row of splitRows(
      ports.data,
      items.map((item) => item.key),
      "test",
    )) {
      const y = classOf.get(row.label);
      // the candidate's labels are the dataset's: a test row outside them means the spec and the data disagree
      if (y === undefined)
        throw new InvalidDatasetError(`test row label ${JSON.stringify(row.label)} is not one of the model's labels`);
      texts.push(row.text);
      truth.push(y);
      if (texts.length >= CHUNK_ROWS) {
        await score(texts, truth);
        texts = [];
        truth = [];
      }
    }
    if (texts.length > 0) await score(texts, truth);
    const index = childIndex(items);
    const confusions: Confusions = {
      labels,
      candidate: { labels: candidate.labels, confusion: counts.candidate },
      live: pointer && live ? { version: pointer.version, labels: live.labels, confusion: counts.live } : null,
    };
    const key = confusionsKey(job.runId, index);
    await ports.data.put(key, JSON.stringify(confusions));
    return { index, key, rows, live: pointer?.version ?? null };
  } finally {
    await candidate.release();
    await live?.release();
  }
}
