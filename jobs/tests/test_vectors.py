"""The Glue job's rules against the shared vectors (packages/local/test/fixtures/etl/vectors.json)."""

import csv
import hashlib
import io
import json

import pytest
from conftest import FIXTURES, copy_tree, load_vectors

from tollgate_etl.csv_reader import read_csv
from tollgate_etl.decode import split_lines
from tollgate_etl.parse import parse_file
from tollgate_etl.run import InvalidDatasetError, run_etl
from tollgate_etl.transform import RECORD_SCHEMA, check_content

VECTORS = load_vectors()
ARGS = {
    "dataset": "reviews",
    "raw_prefix": "raw/reviews/",
    "curated_prefix": "curated/reviews/",
    "quarantine_prefix": "quarantine/reviews/",
    "manifest_key": "runs/test/manifest.json",
}


@pytest.fixture(scope="module")
def row_outcomes(spark):
    """Every row vector through stage 1 (Python) and the per-row Spark checks, in one DataFrame."""
    records = []
    for i, v in enumerate(VECTORS["rows"]):
        records += parse_file(f"v{i:03d}/{v['file']}", v["bytes"])
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
    ours = [fields for _, _, _, fields in read_csv(split_lines(text.encode()))]
    assert ours == [row for row in csv.reader(io.StringIO(text), strict=True) if row]


def test_dataset_vector(spark, tmp_path):
    (dataset,) = VECTORS["datasets"]
    want = dataset["expect"]
    copy_tree(FIXTURES / dataset["folder"], tmp_path / "raw" / "reviews")
    manifest = run_etl(spark, str(tmp_path), ARGS)

    assert manifest["datasetVersion"] == want["datasetVersion"]
    assert manifest["counts"] == want["counts"]
    assert manifest["labels"] == want["labels"]
    assert manifest["sources"] == [{**s, "key": "raw/reviews/" + s["key"]} for s in want["sources"]]
    (shard,) = manifest["curatedKeys"]
    curated = (tmp_path / shard).read_bytes()
    assert hashlib.sha256(curated).hexdigest() == want["datasetVersion"]
    assert [json.loads(line) for line in curated.decode().splitlines()] == want["rows"]
    quarantine = [json.loads(line) for line in (tmp_path / manifest["quarantineKey"]).read_text("utf-8").splitlines()]
    assert [{k: q[k] for k in ("source", "line", "reason")} for q in quarantine] == [
        {**q, "source": "raw/reviews/" + q["source"]} for q in want["quarantine"]
    ]
    assert json.loads((tmp_path / ARGS["manifest_key"]).read_text("utf-8")) == manifest
    assert not list(tmp_path.rglob("*.crc"))


def test_no_valid_rows_is_an_invalid_dataset(spark, tmp_path):
    raw = tmp_path / "raw" / "reviews"
    raw.mkdir(parents=True)
    (raw / "a.jsonl").write_text('{"text":"x"}\n{"label":"y"}\nnot json\n')
    with pytest.raises(InvalidDatasetError, match=r"no valid rows in 3 records .*malformed_json ×1, missing_label ×1"):
        run_etl(spark, str(tmp_path), ARGS)
    assert len(list((tmp_path / "quarantine" / "reviews").glob("rejected-*/quarantine.jsonl"))) == 1
    assert not (tmp_path / ARGS["manifest_key"]).exists()


def test_no_input_files_is_an_invalid_dataset(spark, tmp_path):
    (tmp_path / "raw" / "reviews").mkdir(parents=True)
    (tmp_path / "raw" / "reviews" / "_SUCCESS").write_text("")
    with pytest.raises(InvalidDatasetError, match="no input files under raw/reviews/"):
        run_etl(spark, str(tmp_path), ARGS)
