/**
 * `pnpm bench:serve [--model wordnet|topics] [--duration s]`: load on `tollgate serve` over loopback
 * (autocannon), single texts and batches of 32 at concurrency 1, 16 and 64, and the same load on a
 * minimal node:http server answering a constant (this machine's ceiling). Prints a table, the
 * ratios, and ends with one JSON line. The model is trained once by the real workflow into
 * bench/.data/serve-<model>/ and reused.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openTollgate } from "../packages/local/src/app.ts";
import { writeSample } from "../packages/local/src/sample/wordnet.ts";
import { topicRows } from "../test/helpers/topics.ts";

const { values: args } = parseArgs({
  options: {
    model: { type: "string", default: "wordnet" },
    duration: { type: "string", default: "10" },
    "constant-server": { type: "boolean", default: false },
  },
});
const CONCURRENCY = [1, 16, 64];
const BATCHES = [1, 32];
const DATA = resolve("bench/.data");

/** The ceiling: reads the body, answers a constant JSON prediction. */
function constantServer(): void {
  const body = '{"modelVersion":"c","predictions":[{"label":"a","probability":1,"probabilities":{"a":1}}]}';
  const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, headers).end(body));
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}:\n`);
  });
}

/** A home with a live model, trained by the real workflow the first time; and texts it was not trained on. */
async function prepare(model: string): Promise<{ home: string; texts: string[]; version: string; classes: number }> {
  const home = join(DATA, `serve-${model}`);
  let train: string;
  let texts: string[];
  if (model === "wordnet") {
    const sample = await writeSample(join(DATA, "wordnet-sample"));
    train = readFileSync(sample.batch1.file, "utf8");
    const rows = readFileSync(sample.batch2.file, "utf8").split("\n", 4096).filter(Boolean);
    texts = rows.map((line) => (JSON.parse(line) as { text: string }).text);
  } else if (model === "topics") {
    train = topicRows(3000, 1)
      .map((r) => JSON.stringify(r))
      .join("\n");
    texts = topicRows(4096, 77).map((r) => r.text);
  } else throw new Error(`--model ${model}: use wordnet or topics`);
  const tg = openTollgate({ home });
  try {
    if (!(await tg.stores.registry.getLive(model))) {
      process.stderr.write(`training the ${model} model (once, into ${home}) …\n`);
      await tg.portsFor("bench").data.put(`raw/${model}/bench.jsonl`, train);
      const input = { dataset: model, modelName: model, gate: { minAccuracy: 0, minGain: 0 }, seed: 42, sources: [] };
      const run = await (await tg.workflow.start(`bench-${model}`, input)).done;
      if (run.status !== "SUCCEEDED") throw new Error(`training failed: ${run.error} ${run.cause}`);
    }
    const live = (await tg.stores.registry.getLive(model))!;
    const record = (await tg.stores.registry.getModelVersion(model, live.version))!;
    const card = JSON.parse(Buffer.from(await tg.stores.objects.models.get(record.cardKey)).toString("utf8"));
    return { home, texts, version: live.version, classes: (card as { labels: string[] }).labels.length };
  } finally {
    tg.close();
  }
}

/** A child server process. */
type Server = { child: ChildProcess; url: string; pid: number };

/** Starts a child process that prints `… on <url>:`; its stderr (the request logs) goes straight to `logFile`. */
async function startChild(argv: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<Server> {
  const log = openSync(logFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", ...argv], { env, stdio: ["ignore", "pipe", log] });
  closeSync(log);
  let out = "";
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      const match = /on (http:\/\/[^\s:]+:\d+)/.exec(out);
      if (match) done(match[1]!);
    });
    child.once("exit", (code) => fail(new Error(`${argv.join(" ")} exited with ${code}; see ${logFile}`)));
  });
  return { child, url, pid: child.pid! };
}

interface Result {
  target: "serve" | "constant";
  texts: number;
  concurrency: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** The server process's CPU time (all its threads) per answered request. */
  serverCpuUsPerRequest: number;
}

/** CPU time of a process, all threads, in µs (Linux /proc; NaN elsewhere). */
function cpuMicros(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One autocannon run; latencies kept at full precision (autocannon's own histogram has 1 ms steps). */
async function load(
  target: Result["target"],
  server: Server,
  bodies: string[],
  concurrency: number,
  seconds: number,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const options: autocannon.Options = {
    url: `${server.url}/predict`,
    connections: concurrency,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }),
      },
    ],
  };
  const cpuBefore = cpuMicros(server.pid);
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(options, (err, res) => (err ? fail(err) : done(res)));
    instance.on("response", (_client, statusCode, _bytes, ms) => {
      if (statusCode === 200) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    target,
    texts: (JSON.parse(bodies[0]!) as { texts: string[] }).texts.length,
    concurrency,
    requestsPerSecond: round(latencies.length / seconds, 0),
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    errors: result.errors + result.non2xx + result.timeouts,
    serverCpuUsPerRequest: round((cpuMicros(server.pid) - cpuBefore) / Math.max(1, latencies.length), 1),
  };
}

const say = (text: string) => process.stderr.write(`${text}\n`);

async function measure(servers: Record<Result["target"], Server>, texts: string[], seconds: number): Promise<Result[]> {
  const results: Result[] = [];
  const bodiesFor = (n: number) =>
    Array.from({ length: 256 }, (_, i) =>
      JSON.stringify({ texts: Array.from({ length: n }, (_, k) => texts[(i * n + k) % texts.length]) }),
    );
  // Each serve run follows the constant run of the same shape: a ratio compares like moments of a shared machine.
  const targets = ["constant", "serve"] as const;
  for (const n of BATCHES) {
    const bodies = bodiesFor(n);
    for (const target of targets) await load(target, servers[target], bodies, 16, 2); // warm-up
    for (const c of CONCURRENCY) {
      for (const target of targets) {
        const r = await load(target, servers[target], bodies, c, seconds);
        results.push(r);
        say(
          `${target.padEnd(8)} texts ${String(n).padStart(2)} c${String(c).padEnd(3)} ${String(r.requestsPerSecond).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(3)} ms  server cpu ${r.serverCpuUsPerRequest} µs/req  errors ${r.errors}`,
        );
      }
    }
  }
  return results;
}

async function main(): Promise<void> {
  const model = args.model!;
  const seconds = Number(args.duration);
  const { home, texts, version, classes } = await prepare(model);
  const env = { ...process.env, TOLLGATE_HOME: home, TOLLGATE_LOG_LEVEL: "info" };
  const serveArgs = ["packages/cli/src/main.ts", "serve", "--port", "0", "--model", model];
  const servers = {
    serve: await startChild(serveArgs, env, join(DATA, "serve-requests.log")),
    constant: await startChild(["bench/serve.ts", "--constant-server"], env, join(DATA, "constant.log")),
  };
  const loadStart = loadavg()[0]!;
  let results: Result[];
  try {
    results = await measure(servers, texts, seconds);
  } finally {
    for (const { child } of Object.values(servers)) {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  }
  const find = (target: string, n: number, c: number) =>
    results.find((r) => r.target === target && r.texts === n && r.concurrency === c)!;
  const ratios = results
    .filter((r) => r.target === "serve")
    .map(({ texts: n, concurrency: c, requestsPerSecond }) => ({
      texts: n,
      concurrency: c,
      ratio: round(requestsPerSecond / find("constant", n, c).requestsPerSecond),
    }));
  for (const r of ratios)
    say(`serve/constant texts ${String(r.texts).padStart(2)} c${r.concurrency} ${r.ratio.toFixed(3)}`);
  const { p99Ms } = find("serve", 1, 16);
  const ratio = ratios.find((r) => r.texts === 1 && r.concurrency === 16)!.ratio;
  const targets = {
    p99MsC16Single: p99Ms,
    p99Under10Ms: p99Ms < 10,
    ratioC16Single: ratio,
    ratioAtLeastHalf: ratio >= 0.5,
  };
  const [cpu] = cpus();
  const machine = {
    cpus: cpus().length,
    cpu: cpu?.model ?? "?",
    memGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
  };
  const load = { loadavg1mStart: round(loadStart, 2), loadavg1mEnd: round(loadavg()[0]!, 2) };
  const summary = {
    bench: "serve",
    model: { name: model, version, classes },
    machine: { ...machine, ...load },
    durationSeconds: seconds,
  };
  process.stdout.write(`${JSON.stringify({ ...summary, results, ratios, targets })}\n`);
}

if (args["constant-server"]) constantServer();
else await main();
