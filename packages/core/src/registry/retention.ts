/**
 * Retention (`tollgate gc`): which model versions, dataset versions and run artifacts may go, and
 * removing them. One function for every target: the local folder stores and S3 answer the same
 * port (`listSized`, `delete`), the registry records what was collected.
 *
 * Kept, whatever `--keep` says: the live version, the one before it (what `rollback` returns to),
 * versions pending approval or still candidates (their run has not decided), and everything a kept
 * version's lineage needs: its model files, its run's artifacts, its curated and prepared dataset
 * version and (with `--raw`) the raw files its dataset read. Runs still in progress keep their data.
 * docs/retention.md explains the rules.
 */
import { type Collected, Manifest, type ModelVersionRecord, runManifestKey } from "../contracts.ts";
import { InvalidInputError, ObjectNotFoundError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import type { ObjectStore, Registry, StoredObject } from "../ports.ts";

export interface RetentionPorts {
  registry: Registry;
  data: ObjectStore;
  models: ObjectStore;
}

/** A run in progress (an execution RUNNING): the run id and when it started. */
export interface RunningRun {
  runId: string;
  startDate: string;
}

export interface GcOptions {
  /** How many of the newest versions to keep (besides the live one and the one before it). */
  keep: number;
  /** Plan and report only: nothing is removed or recorded. */
  dryRun: boolean;
  /** Also remove raw files that only collected versions read. */
  raw: boolean;
  /** Who collects (`cli:<user>`), recorded with each collected version. */
  by: string;
  running: RunningRun[];
  now?: () => Date;
}

/** Objects and bytes removed (or, in a dry run, that would be) from one area. */
export interface Freed {
  objects: number;
  bytes: number;
}

export const AREAS = ["models", "runs", "curated", "prepared", "raw"] as const;
export type Area = (typeof AREAS)[number];

export interface GcReport {
  model: string;
  dryRun: boolean;
  keep: number;
  /** Each kept version with why it is kept (newest first). */
  kept: { version: string; why: string[] }[];
  /** Versions collected by this gc, with the bytes of their model files and run artifacts. */
  collected: { version: string; bytes: number }[];
  /** Versions an earlier gc collected. */
  alreadyCollected: string[];
  freed: Record<Area, Freed>;
  bytes: number;
  /** Why some data was kept although nothing kept names it (runs in progress, uploads not read yet). */
  notes: string[];
}

/** The folder name after `prefix` in `key`: `("runs/", "runs/r1/x.json")` → `"r1"`. */
const folderOf = (prefix: string, key: string) => key.slice(prefix.length).split("/")[0] ?? "";

function groupBy(prefix: string, objects: StoredObject[]): Map<string, StoredObject[]> {
  const groups = new Map<string, StoredObject[]>();
  for (const o of objects) {
    const name = folderOf(prefix, o.key);
    groups.set(name, [...(groups.get(name) ?? []), o]);
  }
  return groups;
}

const sum = (objects: StoredObject[]): Freed => ({
  objects: objects.length,
  bytes: objects.reduce((n, o) => n + o.size, 0),
});

/** Every model that has files in the model store (`models/<name>/…`). */
export async function modelsWithFiles(models: ObjectStore): Promise<string[]> {
  return [...groupBy("models/", await models.listSized("models/")).keys()].sort();
}

/** Which versions stay, and why; the rest (not yet collected) go. */
export function keptVersions(
  versions: ModelVersionRecord[],
  live: { version: string; history: string[] } | undefined,
  keep: number,
): Map<string, string[]> {
  const why = new Map<string, string[]>();
  const add = (version: string | undefined, reason: string) => {
    if (version !== undefined) why.set(version, [...(why.get(version) ?? []), reason]);
  };
  const newest = [...versions].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  for (const v of newest.filter((v) => !v.collected).slice(0, keep)) add(v.version, `one of the ${keep} newest`);
  add(live?.version, "live");
  add(live?.history[0], "before the live one (rollback)");
  for (const v of versions) {
    if (v.status === "pending-approval") add(v.version, "pending approval");
    if (v.status === "candidate") add(v.version, "candidate: its run has not decided");
  }
  return why;
}

/** A manifest, or undefined when there is none (yet); a manifest that cannot be read stops gc. */
async function manifestAt(data: ObjectStore, key: string): Promise<Manifest | undefined> {
  try {
    return await readJson(data, key, Manifest);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Plans and (unless `dryRun`) carries out the collection of one model's old versions.
 * Versions are marked collected in the registry before their files go, so none can go live meanwhile.
 * @example await collectGarbage(ports, "topics", { keep: 3, dryRun: false, raw: false, by: "cli:alice", running: [] });
 */
export async function collectGarbage(ports: RetentionPorts, modelName: string, options: GcOptions): Promise<GcReport> {
  if (!Number.isInteger(options.keep) || options.keep < 1)
    throw new InvalidInputError(`--keep must be a whole number of at least 1, not ${options.keep}`);
  const { registry, data, models } = ports;
  const dataset = modelName; // runs train the model named after their dataset (docs/retention.md)
  const [versions, live] = await Promise.all([registry.listModelVersions(modelName), registry.getLive(modelName)]);
  const why = keptVersions(versions, live, options.keep);
  const byRun = new Map(versions.map((v) => [v.runId, v]));
  const gone = versions.filter((v) => !why.has(v.version) && !v.collected);
  const goneSet = new Set(gone.map((v) => v.version));
  const keptRecords = versions.filter((v) => why.has(v.version));
  const oldestKept = keptRecords.map((v) => v.createdAt).sort()[0] ?? "";
  const running = new Set(options.running.map((r) => r.runId));
  const firstRunningStart = options.running.map((r) => r.startDate).sort()[0];
  const notes: string[] = [];

  // model files of the versions that go
  const modelFiles = groupBy(`models/${modelName}/`, await models.listSized(`models/${modelName}/`));
  const removeModels = gone.flatMap((v) => modelFiles.get(v.version) ?? []);

  // run artifacts: a run whose version goes, or a finished run without a version older than every
  // kept version, loses everything but its manifest (lineage and data quality still read it)
  const runFiles = groupBy("runs/", await data.listSized("runs/"));
  const keptRuns = new Set<string>();
  const removeRuns: StoredObject[] = [];
  const runBytes = new Map<string, number>();
  for (const [runId, files] of runFiles) {
    const version = byRun.get(runId);
    let goes = false;
    if (running.has(runId)) goes = false;
    else if (version) goes = goneSet.has(version.version) || version.collected !== null;
    else {
      const run = await registry.getRun(runId);
      if (!run || run.modelName !== modelName) continue;
      goes = run.decision !== null && oldestKept !== "" && run.updatedAt < oldestKept;
    }
    if (!goes) {
      if (!version || why.has(version.version) || running.has(runId)) keptRuns.add(runId);
      continue;
    }
    const artifacts = files.filter((o) => o.key !== runManifestKey(runId));
    removeRuns.push(...artifacts);
    runBytes.set(runId, sum(artifacts).bytes);
  }

  // what kept runs read: their dataset version and raw files
  const needed = new Set(keptRecords.map((v) => v.datasetVersion));
  const rawNeeded = new Set<string>();
  const rawSeen = new Set<string>();
  for (const runId of runFiles.keys()) {
    const manifest = await manifestAt(data, runManifestKey(runId));
    if (!manifest || manifest.dataset !== dataset) continue;
    for (const s of manifest.sources) rawSeen.add(s.key);
    if (!keptRuns.has(runId)) continue;
    needed.add(manifest.datasetVersion);
    for (const s of manifest.sources) rawNeeded.add(s.key);
  }

  const removeData = async (area: "curated" | "prepared"): Promise<StoredObject[]> => {
    const prefix = `${area}/${dataset}/`;
    const out: StoredObject[] = [];
    for (const [datasetVersion, files] of groupBy(prefix, await data.listSized(prefix))) {
      if (needed.has(datasetVersion)) continue;
      if (firstRunningStart !== undefined) {
        const made = await manifestAt(data, `curated/${dataset}/${datasetVersion}/manifest.json`);
        if (!made || made.createdAt >= firstRunningStart) {
          notes.push(`${area} ${datasetVersion.slice(0, 12)}… kept: a run in progress may be writing or reading it`);
          continue;
        }
      }
      out.push(...files);
    }
    return out;
  };
  const removeCurated = await removeData("curated");
  const removePrepared = await removeData("prepared");

  let removeRaw: StoredObject[] = [];
  if (options.raw && running.size > 0) notes.push("raw files kept: a run in progress reads every file under raw/");
  else if (options.raw) {
    const raw = await data.listSized(`raw/${dataset}/`);
    removeRaw = raw.filter((o) => rawSeen.has(o.key) && !rawNeeded.has(o.key));
    const unread = raw.filter((o) => !rawSeen.has(o.key)).length;
    if (unread) notes.push(`${unread} raw file(s) kept: no run has read them yet`);
  }

  const freed: Record<Area, Freed> = {
    models: sum(removeModels),
    runs: sum(removeRuns),
    curated: sum(removeCurated),
    prepared: sum(removePrepared),
    raw: sum(removeRaw),
  };
  const collected = gone.map((v) => ({
    version: v.version,
    bytes: sum(modelFiles.get(v.version) ?? []).bytes + (runBytes.get(v.runId) ?? 0),
  }));

  if (!options.dryRun) {
    const at = (options.now?.() ?? new Date()).toISOString();
    for (const c of collected) {
      const record: Collected = { at, by: options.by, bytes: c.bytes };
      await registry.markCollected(modelName, c.version, record);
    }
    await models.delete(removeModels.map((o) => o.key));
    await data.delete([...removeRuns, ...removeCurated, ...removePrepared, ...removeRaw].map((o) => o.key));
  }

  return {
    model: modelName,
    dryRun: options.dryRun,
    keep: options.keep,
    kept: keptRecords.map((v) => ({ version: v.version, why: why.get(v.version) ?? [] })),
    collected,
    alreadyCollected: versions.filter((v) => v.collected).map((v) => v.version),
    freed,
    bytes: Object.values(freed).reduce((n, f) => n + f.bytes, 0),
    notes,
  };
}

/**
 * {@link collectGarbage} for `model`, or for every model with files in the model store.
 * @example const reports = await collectModels(ports, undefined, { keep: 3, dryRun: true, raw: false, by, running: [] });
 */
export async function collectModels(
  ports: RetentionPorts,
  model: string | undefined,
  options: GcOptions,
): Promise<GcReport[]> {
  const reports: GcReport[] = [];
  for (const name of model ? [model] : await modelsWithFiles(ports.models))
    reports.push(await collectGarbage(ports, name, options));
  return reports;
}
