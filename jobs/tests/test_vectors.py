"""The Glue job's rules against the shared vectors (packages/local/test/fixtures/etl/vectors.json)."""

import csv
import hashlib
import io
import json

import pytest
from conftest import FIXTURES, copy_tree, expand, load_vectors

from tollgate_etl.csv_reader import read_csv
from tollgate_etl.decode import split_lines
from tollgate_etl.parse import parse_file
from tollgate_etl.rules import combine_digests, shard_count, shard_hash, shard_of
from tollgate_etl.run import InvalidDatasetError, run_etl
from tollgate_etl.transform import RECORD_SCHEMA, check_content, with_shard

VECTORS = load_vectors()
ARGS = {
    "run_id": "test-run",
    "dataset": "reviews",
    "raw_prefix": "raw/reviews/",
    "curated_prefix": "curated/reviews/",
    "quarantine_prefix": "quarantine/reviews/",
    "manifest_key": "runs/test/manifest.json",
}


def _whole_file(source, chunks):
    """A file's records as the job keeps them: a binary file's are its one binary_file record."""
    records = list(parse_file(source, chunks))
    return records[-1:] if records and records[-1][3] == "binary_file" else records


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_streaming_in_any_chunk_size_reads_the_same_records(size):
    for i, v in enumerate(VECTORS["rows"]):
        data = v["bytes"]
        chunks = [data[j : j + size] for j in range(0, len(data), size)]
        assert _whole_file(v["file"], chunks) == _whole_file(v["file"], [data]), v["name"]


@pytest.fixture(scope="module")
def row_outcomes(spark):
    """Every row vector through stage 1 (Python) and the per-row Spark checks, in one DataFrame."""
    records = []
    for i, v in enumerate(VECTORS["rows"]):
        records += _whole_file(f"v{i:03d}/{v['file']}", [v["bytes"]])
    rows = check_content(spark.createDataFrame(records, RECORD_SCHEMA)).collect()
    outcomes = {}
    for r in rows:
        outcome = {"line": r["line"], "reason": r["reason"]} if r["reason"] else {"line": r["line"], "text": r["text"], "label": r["label"]}
        outcomes.setdefault(r["source"].split("/")[0], []).append(outcome)
    return outcomes


@pytest.mark.parametrize("index", range(len(VECTORS["rows"])), ids=[v["name"] for v in VECTORS["rows"]])
def test_row_vector(row_outcomes, index):
    vector = VECTORS["rows"][index]
    got = sorted(row_outcomes.get(f"v{index:03d}", []), key=lambda o: o["line"])
    assert got == vector["expect"]


@pytest.mark.parametrize(
    "text",
    ['text,label\n"Hello, world",a\n"multi\nline ""quoted"" text",b\nplain,c\n', 'a,b,c\n1,,3\n"",x,"y"\n', 'h\n"a\n\nb"\n'],
)
def test_csv_reader_agrees_with_the_csv_module_on_well_formed_input(text):
    ours = [fields for _, _, _, fields in read_csv(split_lines(text.encode()))]  # streaming reader, whole file
    assert ours == [row for row in csv.reader(io.StringIO(text), strict=True) if row]


def _lines(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_dataset_vector(spark, tmp_path):
    (dataset,) = VECTORS["datasets"]
    want = dataset["expect"]
    copy_tree(FIXTURES / dataset["folder"], tmp_path / "raw" / "reviews")
    manifest = run_etl(spark, str(tmp_path), ARGS)

    assert manifest["datasetVersion"] == want["datasetVersion"]
    assert manifest["counts"] == want["counts"]
    assert manifest["labels"] == want["labels"]
    assert manifest["sources"] == [{**s, "key": "raw/reviews/" + s["key"]} for s in want["sources"]]
    folder = f"curated/reviews/{want['datasetVersion']}/"
    assert manifest["shards"] == [{"key": f"{folder}part-{i:05d}.jsonl", **s} for i, s in enumerate(want["shards"])]
    curated = (tmp_path / manifest["shards"][0]["key"]).read_bytes()
    assert hashlib.sha256(curated).hexdigest() == want["shards"][0]["sha256"]
    assert [json.loads(line) for line in curated.decode().splitlines()] == want["rows"]
    (quarantine_key,) = manifest["quarantineKeys"]
    assert [{k: q[k] for k in ("source", "line", "reason")} for q in _lines(tmp_path / quarantine_key)] == [
        {**q, "source": "raw/reviews/" + q["source"]} for q in want["quarantine"]
    ]
    assert json.loads((tmp_path / ARGS["manifest_key"]).read_text("utf-8")) == manifest
    assert not list(tmp_path.rglob("*.crc")) and not list(tmp_path.rglob(".tmp-*"))


def test_dataset_vector_in_small_shards(spark, tmp_path):
    (dataset,) = VECTORS["datasets"]
    small = dataset["small"]
    copy_tree(FIXTURES / dataset["folder"], tmp_path / "raw" / "reviews")
    limits = {"shard_rows": small["limits"]["shardRows"], "quarantine_rows": small["limits"]["quarantineRows"]}
    manifest = run_etl(spark, str(tmp_path), ARGS, limits)
    assert manifest["datasetVersion"] == small["datasetVersion"]
    assert [{k: v for k, v in s.items() if k != "key"} for s in manifest["shards"]] == small["shards"]
    for s in manifest["shards"]:
        assert hashlib.sha256((tmp_path / s["key"]).read_bytes()).hexdigest() == s["sha256"]
    assert len(manifest["quarantineKeys"]) == small["quarantineShards"]
    joined = [q for key in manifest["quarantineKeys"] for q in _lines(tmp_path / key)]
    assert [(q["source"], q["line"], q["reason"]) for q in joined] == [
        ("raw/reviews/" + q["source"], q["line"], q["reason"]) for q in dataset["expect"]["quarantine"]
    ]


@pytest.mark.parametrize("vector", VECTORS["shards"]["hash"], ids=lambda v: v["text"][:20])
def test_shard_hash_vector(vector):
    assert shard_hash(expand(vector["text"])) == vector["h"]


def test_shard_layout_vectors(spark):
    shards = VECTORS["shards"]
    for v in shards["assign"]:
        assert shard_of(v["h"], v["k"]) == v["shard"], v
    for v in shards["count"]:
        assert shard_count(v["rows"], v["bytes"]) == v["k"], v
    for v in shards["version"]:
        assert combine_digests(v["digests"]) == v["version"], v
    # and the Spark expression the job uses agrees with the Python one
    texts = [expand(v["text"]) for v in shards["hash"]]
    df = with_shard(spark.createDataFrame([(t,) for t in texts], "text string"), 117)
    assert {r["text"]: r["shard"] for r in df.collect()} == {t: shard_of(shard_hash(t), 117) for t in texts}


def test_no_valid_rows_is_an_invalid_dataset(spark, tmp_path):
    raw = tmp_path / "raw" / "reviews"
    raw.mkdir(parents=True)
    (raw / "a.jsonl").write_text('{"text":"x"}\n{"label":"y"}\nnot json\n')
    with pytest.raises(InvalidDatasetError, match=r"no valid rows in 3 records .*malformed_json ×1, missing_label ×1"):
        run_etl(spark, str(tmp_path), ARGS)
    assert len(list((tmp_path / "quarantine" / "reviews").glob("rejected-*/part-00000.jsonl"))) == 1
    assert not (tmp_path / ARGS["manifest_key"]).exists()


def test_no_input_files_is_an_invalid_dataset(spark, tmp_path):
    (tmp_path / "raw" / "reviews").mkdir(parents=True)
    (tmp_path / "raw" / "reviews" / "_SUCCESS").write_text("")
    with pytest.raises(InvalidDatasetError, match="no input files under raw/reviews/"):
        run_etl(spark, str(tmp_path), ARGS)
