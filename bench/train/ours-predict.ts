/**
 * tollgate's cold prediction, the way every peer's is measured: a fresh process loads the exported
 * model with onnxruntime-node and predicts every line of a text file, writing one label a line
 * (and one JSON line with the seconds of predicting, model loaded: `hot_s`).
 * Usage: `node --import tsx bench/train/ours-predict.ts <model.onnx> <texts.txt> <out.preds>`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";

const [modelPath, textsPath, outPath] = process.argv.slice(2) as [string, string, string];
const classifier = await OnnxTextClassifier.load(new Uint8Array(await readFile(modelPath)));
const texts = (await readFile(textsPath, "utf8")).split("\n").filter((l) => l !== "");
const started = performance.now();
const { labels } = await classifier.predict(texts);
const hotS = (performance.now() - started) / 1000;
await writeFile(outPath, labels.map((l) => `${l}\n`).join(""));
await classifier.release();
process.stdout.write(`${JSON.stringify({ predicted: texts.length, hot_s: hotS })}\n`);
