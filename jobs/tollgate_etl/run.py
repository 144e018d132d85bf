"""The whole ETL run on Spark: mirrors runEtl in packages/local/src/etl/run.ts (spec: docs/etl-rules.md).

The driver lists the raw objects, plans, and writes the manifest; the executors read, parse, check,
de-duplicate and write the shards. The driver collects numbers only (per file, per shard, per reason).
"""

import json
from datetime import datetime, timezone

from pyspark import StorageLevel
from pyspark.sql import functions as F

from tollgate_etl.log import run_logger
from tollgate_etl.objects import open_objects
from tollgate_etl.rules import (
    QUARANTINE_ROWS,
    SHARD_BYTES,
    SHARD_ROWS,
    combine_digests,
    is_ignored_key,
    shard_count,
)
from tollgate_etl.shards import ShardedRows
from tollgate_etl.transform import (
    check_content,
    count_by_source,
    curated_rows,
    drop_binary_files,
    group_texts,
    parse_files,
    payload_bytes,
    quarantine_rows,
    with_quarantine_shard,
    with_shard,
)

#: The spec's shard sizes; tests pass smaller ones to get many shards from small fixtures.
LIMITS = {"shard_rows": SHARD_ROWS, "shard_bytes": SHARD_BYTES, "quarantine_rows": QUARANTINE_ROWS}


class InvalidDatasetError(Exception):
    """The dataset cannot be used (no input, or no valid row): same name as the TypeScript error."""


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_etl(spark, root, args, limits=None):
    """Runs the ETL; `args` has dataset, raw_prefix, curated_prefix, quarantine_prefix, manifest_key (and run_id).

    Returns the manifest (a dict). Raises InvalidDatasetError when there is no input or no valid row.
    """
    limits = {**LIMITS, **(limits or {})}
    objects = open_objects(root)
    log = run_logger(args.get("run_id"), args["dataset"])
    raw_prefix = args["raw_prefix"]
    listed = [(k, size) for k, size in objects.list(raw_prefix) if not is_ignored_key(k[len(raw_prefix) :])]
    keys = [k for k, _ in listed]
    if not keys:
        raise InvalidDatasetError(
            f"dataset {args['dataset']}: no input files under {raw_prefix}; upload JSON Lines (.jsonl) or CSV (.csv) "
            'files with fields "text" and "label"'
        )
    log.info("etl started", fields={"files": len(keys), "bytes": sum(size for _, size in listed)})
    staged = check_content(parse_files(spark, objects, keys))
    staged.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        binary = [r["source"] for r in staged.filter(F.col("reason") == "binary_file").select("source").collect()]
        staged = drop_binary_files(staged, binary)
        groups = group_texts(staged)
        groups.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            return _curate(spark, objects, args, limits, keys, staged, groups, log)
        finally:
            groups.unpersist()
    finally:
        staged.unpersist()


def _curate(spark, objects, args, limits, keys, staged, groups, log):
    curated = curated_rows(groups)
    quarantine = quarantine_rows(staged, groups)
    records, quarantined = count_by_source(staged, quarantine)
    sources = [{"key": k, "rows": records.get(k, 0), "quarantined": quarantined.get(k, 0)} for k in sorted(keys)]
    totals = curated.agg(
        F.count(F.lit(1)).alias("valid"), F.sum("n").alias("rows"), F.sum(payload_bytes()).alias("bytes")
    ).first()
    valid = totals["valid"]
    bad = sum(quarantined.values())
    counts = {"read": sum(records.values()), "valid": valid, "duplicates": (totals["rows"] or 0) - valid, "quarantined": bad}

    if valid == 0:
        folder = _write_quarantine(spark, objects, quarantine, quarantined, limits, None, args["quarantine_prefix"])
        by_reason = sorted((-r["count"], r["reason"]) for r in quarantine.groupBy("reason").count().collect())
        summary = ", ".join(f"{reason} ×{-n}" for n, reason in by_reason)
        raise InvalidDatasetError(
            f"dataset {args['dataset']}: no valid rows in {counts['read']} records from {len(keys)} files under "
            f"{args['raw_prefix']} ({summary or 'no records'}); every row needs a non-empty string \"text\" and "
            f'"label" (see docs/etl-rules.md); quarantined rows with reasons: {folder}'
        )

    k = shard_count(valid, totals["bytes"], limits["shard_rows"], limits["shard_bytes"])
    shards = ShardedRows(with_shard(curated, k).select("shard", "text", "label"), k, ["text", "label"], "curated")
    try:
        version = combine_digests(s[3] for s in shards.hash())
        folder = f"{args['curated_prefix']}{version}/"
        stats = shards.write(objects, folder)
    finally:
        shards.close()
    quarantine_folder = None
    if bad:
        quarantine_folder = f"{args['quarantine_prefix']}{version}/"
        _write_quarantine(spark, objects, quarantine, quarantined, limits, quarantine_folder, None)
    labels = {}
    for *_, shard_labels in stats:
        for label, n in shard_labels.items():
            labels[label] = labels.get(label, 0) + n
    manifest = {
        "dataset": args["dataset"],
        "datasetVersion": version,
        "createdAt": _now(),
        "sources": sources,
        "counts": counts,
        "labels": dict(sorted(labels.items())),
        "shards": [
            {"key": f"{folder}part-{i:05d}.jsonl", "rows": rows, "bytes": size, "sha256": digest, "labels": dict(sorted(ls.items()))}
            for i, rows, size, digest, ls in stats
        ],
        "quarantineKeys": [
            f"{quarantine_folder}part-{i:05d}.jsonl" for i in range(_quarantine_shards(bad, limits))
        ],
    }
    body = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    objects.put(f"{folder}manifest.json", body)
    objects.put(args["manifest_key"], body)  # last: the manifest at manifest_key means the run completed
    log.info("etl done", fields={"datasetVersion": version, "counts": counts, "shards": k})
    return manifest


def _quarantine_shards(total, limits):
    return -(-total // limits["quarantine_rows"])


def _write_quarantine(spark, objects, quarantine, quarantined, limits, folder, rejected_prefix):
    """Writes the quarantine shards under `folder`, or (folder None) under `<rejected_prefix>rejected-<digest>/`.

    Returns the folder. The records are numbered in (source, line) order from per-source offsets.
    """
    offsets, at = [], 0
    for source in sorted(quarantined):
        offsets.append((source, at))
        at += quarantined[source]
    if at == 0:  # nothing to write (no records at all): the name of an empty list
        return folder or f"{rejected_prefix}rejected-{combine_digests([])}/"
    offsets_df = spark.createDataFrame(offsets, "source string, offset long")
    rows = with_quarantine_shard(quarantine, offsets_df, limits["quarantine_rows"])
    shards = ShardedRows(rows, _quarantine_shards(at, limits), ["index"], "quarantine")
    try:
        if folder is None:
            folder = f"{rejected_prefix}rejected-{combine_digests(s[3] for s in shards.hash())}/"
        shards.write(objects, folder)
    finally:
        shards.close()
    return folder
