"""Stage 2 as plain Spark DataFrame code: content checks, conflicts, de-duplication, counts.

Mirrors packages/local/src/etl/curate.ts (spec: docs/etl-rules.md). No Glue APIs here.
"""

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

from tollgate_etl.parse import parse_file
from tollgate_etl.rules import LABEL_PATTERN, MAX_LABEL_CODE_POINTS, MAX_TEXT_CODE_POINTS, WHITESPACE_PATTERN

#: Stage-1 records (tollgate_etl.parse).
RECORD_SCHEMA = StructType(
    [
        StructField("source", StringType(), False),
        StructField("line", LongType(), False),
        StructField("raw", StringType(), False),
        StructField("reason", StringType(), True),
        StructField("text", StringType(), False),
        StructField("label", StringType(), False),
    ]
)


def normalize(column):
    """Whitespace runs -> one space, then trim one space at each end (Java regex in Spark)."""
    return F.regexp_replace(F.regexp_replace(column, WHITESPACE_PATTERN, " "), "^ | $", "")


def parse_files(spark: SparkSession, files: DataFrame, key_of: dict) -> DataFrame:
    """Stage 1 on the executors: `files` has binaryFile's (path, content); `key_of` maps path -> key.

    Files whose path is not in `key_of` (not selected by the driver's listing) are dropped.
    """

    def records(row):
        key = key_of.get(row.path)
        return parse_file(key, row.content) if key is not None else []

    rows = files.select("path", "content").rdd.flatMap(records)
    return spark.createDataFrame(rows, RECORD_SCHEMA, verifySchema=False)  # parse_file builds the tuples


def check_content(records: DataFrame) -> DataFrame:
    """Normalises `text`/`label` and sets `reason` from the content checks (per row)."""
    df = records.withColumn("text", normalize(F.col("text"))).withColumn("label", normalize(F.col("label")))
    text, label = F.col("text"), F.col("label")
    content = (
        F.when(text == "", "empty_text")
        .when(F.length(text) > MAX_TEXT_CODE_POINTS, "text_too_long")
        .when(label == "", "empty_label")
        .when(F.length(label) > MAX_LABEL_CODE_POINTS, "label_too_long")
        .when(~label.rlike(LABEL_PATTERN), "invalid_label")
    )
    return df.withColumn("reason", F.coalesce(F.col("reason"), content))


def mark_conflicts(df: DataFrame) -> DataFrame:
    """Valid rows whose normalised text has two or more labels become `conflicting_labels`."""
    valid, label = F.col("reason").isNull(), F.col("label")
    same_text = Window.partitionBy("text")
    lowest = F.min(F.when(valid, label)).over(same_text)
    highest = F.max(F.when(valid, label)).over(same_text)
    conflict = F.when(valid & (lowest != highest), F.lit("conflicting_labels"))
    return df.withColumn("reason", conflict.otherwise(F.col("reason")))


def apply_rules(records: DataFrame) -> DataFrame:
    """Stage 2: normalised `text`/`label` and the final `reason` (null for a valid row)."""
    return mark_conflicts(check_content(records))


def curated_rows(staged: DataFrame) -> DataFrame:
    """Distinct valid (text, label), sorted by code point (Spark compares UTF-8 bytes)."""
    return staged.filter(F.col("reason").isNull()).select("text", "label").distinct().orderBy("text", "label")


def quarantine_rows(staged: DataFrame) -> DataFrame:
    """Quarantine records sorted by source then line."""
    return staged.filter(F.col("reason").isNotNull()).select("source", "line", "reason", "raw").orderBy("source", "line")


def summarize(staged: DataFrame, source_keys):
    """Counts, labels and per-source numbers for the manifest (small results, collected)."""
    per_source = {
        r["source"]: (r["rows"], r["quarantined"])
        for r in staged.groupBy("source")
        .agg(F.count(F.lit(1)).alias("rows"), F.sum(F.col("reason").isNotNull().cast("long")).alias("quarantined"))
        .collect()
    }
    labels = {
        r["label"]: r["count"]
        for r in curated_rows(staged).groupBy("label").count().orderBy("label").collect()
    }
    read = sum(rows for rows, _ in per_source.values())
    quarantined = sum(q for _, q in per_source.values())
    valid = sum(labels.values())
    sources = [
        {"key": key, "rows": per_source.get(key, (0, 0))[0], "quarantined": per_source.get(key, (0, 0))[1]}
        for key in sorted(source_keys)
    ]
    counts = {"read": read, "valid": valid, "duplicates": read - quarantined - valid, "quarantined": quarantined}
    return counts, labels, sources
