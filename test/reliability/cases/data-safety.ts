/**
 * Cases 1–5 of issue 14, through the CLI as a user runs it: names checked before anything is written,
 * "no new data", concurrent ingests from separate processes ending with every file in the live model's
 * data (or rejected on its merits), the default model, and rollback stepping back one version each time.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { Manifest } from "@tollgate/core/contracts";
import { openTollgate } from "@tollgate/local/app";
import { readConfig } from "@tollgate/local/config";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../../helpers/topics.ts";
import { type Case, probe } from "./case.ts";

/** The CLI in this process on `home`: stdout of one command (stderr is dropped). */
function cliOn(home: string) {
  const env = { TOLLGATE_HOME: home, TOLLGATE_MIN_ACCURACY: "0.8", TOLLGATE_MIN_GAIN: "-1", ...FIXTURE_ENV }; // every ingest promoted
  const tollgate = async (...args: string[]) => {
    const out: string[] = [];
    const program = buildProgram({ out: (t) => out.push(t), err: () => {} }, () => new LocalBackend(readConfig(env)));
    await program.parseAsync(args, { from: "user" });
    return out.join("\n");
  };
  const json = async <T>(...args: string[]) => JSON.parse(await tollgate(...args, "--json")) as T;
  return { env, tollgate, json };
}

const rawFiles = (home: string) => {
  const dir = join(home, "objects", "data", "raw");
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0;
};

interface Models {
  live?: { version: string; history: string[] };
  versions: { version: string; status: string }[];
}

/** N ingests of distinct valid files into one dataset, each its own `tollgate ingest` process, all at once. */
async function concurrentIngests(n: number): Promise<string> {
  const home = tempHome();
  const { env } = cliOn(home);
  const files = Array.from({ length: n }, (_, i) => writeJsonl(topicRows(150, 300 + i), `part-${i}.jsonl`));
  const ingests = await Promise.all(
    files.map((file) =>
      promisify(execFile)(
        "node",
        ["--import", "tsx", "packages/cli/src/main.ts", "ingest", file, "--dataset", "conc", "--json"],
        // a run may start with one file only (150 rows: 5–20 test rows), under the fixtures' minimum test
        // split; this case is about where each file ends, not the gate's minimum
        { env: { ...process.env, ...env, TOLLGATE_MIN_TEST_ROWS: "1" } },
      ).then((r) => JSON.parse(r.stdout) as { key: string; name: string }),
    ),
  );
  const tg = openTollgate({ home });
  try {
    const read = async (runId: string) =>
      Manifest.parse(
        JSON.parse(new TextDecoder().decode(await tg.stores.objects.data.get(`runs/${runId}/manifest.json`))),
      );
    const live = await tg.stores.registry.getLive("conc");
    const liveRun = live && (await tg.stores.registry.getModelVersion("conc", live.version))?.runId;
    const inLive = new Set(liveRun ? (await read(liveRun)).sources.map((s) => s.key) : []);
    let missing = 0;
    for (const { key } of ingests) {
      if (inLive.has(key)) continue;
      // else a gate must have rejected, with its reason, a model whose data had the file
      const runs = await Promise.all(
        ingests.map(async (i) => ({ record: await tg.stores.registry.getRun(i.name), i })),
      );
      const rejected = [];
      for (const { record, i } of runs)
        if (record?.decision === "rejected" && record.reason && (await read(i.name)).sources.some((s) => s.key === key))
          rejected.push(i.name);
      if (rejected.length === 0) missing++;
    }
    return `${n - missing} of ${n} files in the live model's data or rejected on their merits`;
  } finally {
    tg.close();
  }
}

export async function dataSafetyCases(): Promise<Case[]> {
  const home = tempHome();
  const { tollgate, json } = cliOn(home);
  const cases: Case[] = [];
  cases.push(
    await probe(
      "ingest --dataset a/b is refused before anything is written",
      "InvalidInputError; 0 raw files, 0 runs",
      async () => {
        const error = await tollgate("ingest", writeJsonl(topicRows(50, 1)), "--dataset", "a/b").then(
          () => "accepted",
          (e: Error) => e.name,
        );
        const tg = openTollgate({ home });
        const runs = tg.stores.executions.list().length;
        tg.close();
        return `${error}; ${rawFiles(home)} raw files, ${runs} runs`;
      },
    ),
  );
  const versions: string[] = [];
  for (const seed of [41, 42, 43]) {
    await json("ingest", writeJsonl(topicRows(300, seed)), "--dataset", "topics");
    versions.push((await json<Models>("models", "--model", "topics")).live?.version ?? "none");
  }
  cases.push(
    await probe(
      "an empty upload ends with no new data and leaves the live model alone",
      "no-new-data; live unchanged, none retired by it",
      async () => {
        const before = await json<Models>("models", "--model", "topics");
        const empty = join(tempHome(), "empty.jsonl");
        writeFileSync(empty, "");
        const run = await json<{ name: string }>("ingest", empty, "--dataset", "topics");
        const record = await json<{ run: { decision: string } | null }>("show", run.name).catch(() => undefined);
        const after = await json<Models>("models", "--model", "topics");
        const retired =
          after.versions.filter((v) => v.status === "retired").length -
          before.versions.filter((v) => v.status === "retired").length;
        return `${record?.run?.decision ?? "?"}; live ${after.live?.version === before.live?.version ? "unchanged" : "changed"}, ${retired === 0 ? "none" : retired} retired by it`;
      },
    ),
  );
  cases.push(
    await probe(
      "without --model, the model of the newest successful run (not of a newer failed one)",
      "topics",
      async () => {
        await json("ingest", writeJsonl(topicRows(200, 5).map((r) => ({ ...r, label: "animal" }))), "--dataset", "bad");
        return (await tollgate("models")).split(":")[0] ?? "";
      },
    ),
  );
  cases.push(
    await probe("rollback steps back one version each time", `${versions[1]}, then ${versions[0]}`, async () => {
      const first = await json<{ version: string }>("rollback", "--model", "topics");
      const second = await json<{ version: string }>("rollback", "--model", "topics");
      return `${first.version}, then ${second.version}`;
    }),
  );
  cases.push(
    await probe(
      "4 concurrent ingests from separate processes: every file ends in the live model's data",
      "4 of 4 files in the live model's data or rejected on their merits",
      () => concurrentIngests(4),
    ),
  );
  return cases;
}
