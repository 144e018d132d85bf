"""Stage 2 as plain Spark DataFrame code: content checks, conflicts, de-duplication, counts, shards.

Mirrors packages/local/src/etl/ (spec: docs/etl-rules.md). No Glue APIs here. Rows never reach the
driver: it collects only per-file and per-shard numbers.
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


def parse_files(spark: SparkSession, objects, keys) -> DataFrame:
    """Stage 1 on the executors: each task streams its raw objects from the store and parses them.

    Every file is read whole by one task (a big file is not split); files are spread over the tasks.
    """
    sc = spark.sparkContext
    slices = max(1, min(len(keys), 8 * sc.defaultParallelism))
    rows = sc.parallelize(keys, slices).flatMap(lambda key: parse_file(key, objects.read(key)))
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


def drop_binary_files(staged: DataFrame, binary_sources) -> DataFrame:
    """Keeps only the `binary_file` record of each binary file (its other records came before the NUL)."""
    if not binary_sources:
        return staged
    other = F.col("reason").isNull() | (F.col("reason") != "binary_file")
    return staged.filter(~(F.col("source").isin(list(binary_sources)) & other))


def group_texts(staged: DataFrame) -> DataFrame:
    """Valid rows grouped by normalised text (a hash-partitioned aggregation: exact, spills to disk).

    Columns: text, label (the lowest), high (the highest label), n (rows). A text is curated when
    label == high, and its n - 1 other rows are duplicates; otherwise all its rows conflict.
    """
    valid = staged.filter(F.col("reason").isNull())
    return valid.groupBy("text").agg(
        F.min("label").alias("label"), F.max("label").alias("high"), F.count(F.lit(1)).alias("n")
    )


def curated_rows(groups: DataFrame) -> DataFrame:
    """The curated rows (text, label, n): texts with one label."""
    return groups.filter(F.col("label") == F.col("high")).select("text", "label", "n")


def quarantine_rows(staged: DataFrame, groups: DataFrame) -> DataFrame:
    """Every quarantine record (source, line, reason, raw): the failed checks and the conflicting rows."""
    conflicting = groups.filter(F.col("label") != F.col("high")).select("text")
    conflicts = (
        staged.filter(F.col("reason").isNull())
        .join(conflicting, "text", "left_semi")
        .select("source", "line", F.lit("conflicting_labels").alias("reason"), "raw")
    )
    failed = staged.filter(F.col("reason").isNotNull()).select("source", "line", "reason", "raw")
    return failed.unionByName(conflicts)


def with_shard(curated: DataFrame, k: int) -> DataFrame:
    """Adds `shard`: floor(h * k / 2^32), h = the first 4 bytes of sha256(text) (rules.shard_of)."""
    h = F.conv(F.substring(F.sha2(F.col("text"), 256), 1, 8), 16, 10).cast("long")
    return curated.withColumn("shard", F.shiftright(h * F.lit(k).cast("long"), 32))


def payload_bytes() -> F.Column:
    """UTF-8 bytes of text and label (what the shard count's byte bound counts)."""
    return F.octet_length(F.col("text")) + F.octet_length(F.col("label"))


def with_quarantine_shard(quarantine: DataFrame, offsets: DataFrame, rows_per_shard: int) -> DataFrame:
    """Adds `index` (position in the list sorted by source, line) and `shard` (index // rows_per_shard).

    `offsets` (source, offset) holds each source's number of quarantine records before it.
    """
    rank = F.row_number().over(Window.partitionBy("source").orderBy("line")) - 1
    indexed = quarantine.join(F.broadcast(offsets), "source").withColumn("index", F.col("offset") + rank)
    return indexed.withColumn("shard", F.expr(f"index div {int(rows_per_shard)}"))


def count_by_source(staged: DataFrame, quarantine: DataFrame):
    """{source: records} and {source: quarantined} (one small row per file, collected)."""
    records = {r["source"]: r["count"] for r in staged.groupBy("source").count().collect()}
    quarantined = {r["source"]: r["count"] for r in quarantine.groupBy("source").count().collect()}
    return records, quarantined
