"""The whole ETL run on Spark: mirrors runEtl in packages/local/src/etl/run.ts."""

import hashlib
import json
import logging
from datetime import datetime, timezone

from pyspark import StorageLevel

from tollgate_etl.rules import SHARD_ROWS, is_ignored_key
from tollgate_etl.storage import Store
from tollgate_etl.transform import apply_rules, curated_rows, parse_files, quarantine_rows, summarize

log = logging.getLogger("tollgate.etl")


class InvalidDatasetError(Exception):
    """The dataset cannot be used (no input, or no valid row): same name as the TypeScript error."""


def curated_line(text, label):
    """One curated row's exact bytes (as JSON.stringify writes them), as str."""
    return json.dumps({"text": text, "label": label}, ensure_ascii=False, separators=(",", ":")) + "\n"


def _quarantine_line(row):
    record = {"source": row["source"], "line": row["line"], "reason": row["reason"], "raw": row["raw"]}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _sha256(lines):
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def _shards(df):
    """Yields lists of curated lines of SHARD_ROWS rows, streaming the sorted rows to the driver."""
    shard = []
    for row in df.toLocalIterator():
        shard.append(curated_line(row["text"], row["label"]))
        if len(shard) == SHARD_ROWS:
            yield shard
            shard = []
    if shard:
        yield shard


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_etl(spark, root, args):
    """Runs the ETL; `args` has dataset, raw_prefix, curated_prefix, quarantine_prefix, manifest_key.

    Returns the manifest (a dict). Raises InvalidDatasetError when there is no input or no valid row.
    """
    store = Store(spark, root)
    dataset, raw_prefix = args["dataset"], args["raw_prefix"]
    keys = [k for k in store.list(raw_prefix) if not is_ignored_key(k[len(raw_prefix) :])]
    if not keys:
        raise InvalidDatasetError(
            f"dataset {dataset}: no input files under {raw_prefix}; upload JSON Lines (.jsonl) or CSV (.csv) "
            'files with fields "text" and "label"'
        )
    files = store.read_files(raw_prefix[: raw_prefix.rfind("/") + 1])
    staged = apply_rules(parse_files(spark, files, {store.uri(k): k for k in keys}))
    staged.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        return _write_outputs(store, args, keys, staged)
    finally:
        staged.unpersist()


def _write_outputs(store, args, keys, staged):
    counts, labels, sources = summarize(staged, keys)
    quarantine = quarantine_rows(staged)

    def quarantine_lines():
        return (_quarantine_line(r) for r in quarantine.toLocalIterator())

    if counts["valid"] == 0:
        key = f"{args['quarantine_prefix']}rejected-{_sha256(quarantine_lines())}/quarantine.jsonl"
        store.write(key, quarantine_lines())
        by_reason = sorted((-r["count"], r["reason"]) for r in quarantine.groupBy("reason").count().collect())
        summary = ", ".join(f"{reason} ×{-n}" for n, reason in by_reason)
        raise InvalidDatasetError(
            f"dataset {args['dataset']}: no valid rows in {counts['read']} records from {len(keys)} files under "
            f"{args['raw_prefix']} ({summary or 'no records'}); every row needs a non-empty string \"text\" and "
            f'"label" (see docs/etl-rules.md); quarantined rows with reasons: {key}'
        )
    rows = curated_rows(staged)
    digest = hashlib.sha256()
    for shard in _shards(rows):
        for line in shard:
            digest.update(line.encode("utf-8"))
    version = digest.hexdigest()
    folder = f"{args['curated_prefix']}{version}/"
    curated_keys = []
    for i, shard in enumerate(_shards(rows)):
        curated_keys.append(f"{folder}part-{i:05d}.jsonl")
        store.write(curated_keys[-1], shard)
    quarantine_key = None
    if counts["quarantined"]:
        quarantine_key = f"{args['quarantine_prefix']}{version}/quarantine.jsonl"
        store.write(quarantine_key, quarantine_lines())
    manifest = {
        "dataset": args["dataset"],
        "datasetVersion": version,
        "createdAt": _now(),
        "sources": sources,
        "counts": counts,
        "labels": labels,
        "curatedKeys": curated_keys,
        "quarantineKey": quarantine_key,
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    store.write(f"{folder}manifest.json", [body])
    store.write(args["manifest_key"], [body])  # last: the manifest at manifest_key means the run completed
    log.info("etl done: dataset %s version %s counts %s", args["dataset"], version, counts)
    return manifest
