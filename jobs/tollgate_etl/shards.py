"""Writing shards from the executors: each Spark task streams its sorted rows into shard objects.

A DataFrame with a `shard` column, repartitioned by it and sorted within partitions, is turned into
one object per shard by the task that holds it. Tasks return (shard, rows, bytes, sha256, labels);
the driver only ever sees those numbers, never rows.
"""

import hashlib
import json

from pyspark import StorageLevel
from pyspark.sql import DataFrame

from tollgate_etl.rules import sha256_hex


def curated_line(text, label):
    """One curated row's exact bytes (as JSON.stringify writes them), as str."""
    return json.dumps({"text": text, "label": label}, ensure_ascii=False, separators=(",", ":")) + "\n"


def quarantine_line(row):
    """One quarantine record's line."""
    record = {"source": row["source"], "line": row["line"], "reason": row["reason"], "raw": row["raw"]}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _curated_row_line(row):
    return curated_line(row["text"], row["label"])


def _shard_writer(objects, folder, line_of, count_labels):
    """The mapPartitions function: hashes (folder None) or writes each shard of the partition."""

    def run(rows):
        shard, digest, body, stats = None, None, None, None

        def done():
            if folder is not None:
                objects.put(shard_key(folder, shard), bytes(body))
            return (shard, stats["rows"], stats["bytes"], digest.hexdigest(), stats["labels"])

        for row in rows:
            if row["shard"] != shard:
                if shard is not None:
                    yield done()
                shard, digest, body = row["shard"], hashlib.sha256(), bytearray()
                stats = {"rows": 0, "bytes": 0, "labels": {}}
            line = line_of(row).encode("utf-8")
            digest.update(line)
            if folder is not None:
                body += line
            stats["rows"] += 1
            stats["bytes"] += len(line)
            if count_labels:
                stats["labels"][row["label"]] = stats["labels"].get(row["label"], 0) + 1
        if shard is not None:
            yield done()

    return run


def shard_key(folder, index):
    """`<folder>part-00000.jsonl`, …"""
    return f"{folder}part-{index:05d}.jsonl"


class ShardedRows:
    """Rows laid out as `count` shards (column `shard`), sorted within each shard by `order`.

    `hash()` returns each shard's digest without writing; `write(folder)` writes the shard objects and
    returns the same numbers. The layout is cached between the two (the rows are sorted once).
    """

    def __init__(self, df: DataFrame, count: int, order, kind):
        self.count = count
        self.kind = kind
        self._df = df.repartition(count, "shard").sortWithinPartitions("shard", *order)
        self._df.persist(StorageLevel.MEMORY_AND_DISK)

    def _run(self, objects, folder):
        line_of = _curated_row_line if self.kind == "curated" else quarantine_line
        writer = _shard_writer(objects, folder, line_of, self.kind == "curated")
        found = {s[0]: s for s in self._df.rdd.mapPartitions(writer).collect()}
        empty = sha256_hex([])
        stats = []
        for index in range(self.count):  # a shard without rows is an empty object
            if index not in found and folder is not None:
                objects.put(shard_key(folder, index), b"")
            stats.append(found.get(index, (index, 0, 0, empty, {})))
        return stats

    def hash(self):
        """[(shard, rows, bytes, sha256, labels)] for every shard, in order; nothing is written."""
        return self._run(None, None)

    def write(self, objects, folder):
        """Writes `<folder>part-NNNNN.jsonl` for every shard; returns the same list as hash()."""
        return self._run(objects, folder)

    def close(self):
        self._df.unpersist()
