"""The job's object access (tollgate_etl.objects): S3 through boto3 (moto stands in for S3), and a folder."""

import json
import logging

import boto3
import pytest
from moto import mock_aws

from tollgate_etl import objects
from tollgate_etl.log import run_logger


@pytest.fixture()
def bucket(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(objects, "READ_CHUNK", 5)  # several ranged GETs per object
    with mock_aws():
        objects._clients.clear()
        boto3.client("s3").create_bucket(Bucket="data")
        yield objects.open_objects("s3://data/")
        objects._clients.clear()


def test_s3_objects_list_read_in_ranges_and_put(bucket):
    bucket.put("raw/d/a.jsonl", b'{"text":"hello","label":"x"}\n')
    bucket.put("raw/d/sub/b.csv", b"")
    bucket.put("rawx/c.jsonl", b"{}")
    assert bucket.list("raw/d/") == [("raw/d/a.jsonl", 29), ("raw/d/sub/b.csv", 0)]
    chunks = list(bucket.read("raw/d/a.jsonl"))
    assert len(chunks) == 6 and b"".join(chunks) == b'{"text":"hello","label":"x"}\n'
    assert list(bucket.read("raw/d/sub/b.csv")) == []


def test_folder_objects_mirror_s3_objects(tmp_path, monkeypatch):
    monkeypatch.setattr(objects, "READ_CHUNK", 5)
    folder = objects.open_objects(str(tmp_path))
    folder.put("raw/d/a.jsonl", b"0123456789ab")
    folder.put("raw/d/sub/b.csv", b"")
    assert folder.list("raw/d/") == [("raw/d/a.jsonl", 12), ("raw/d/sub/b.csv", 0)]
    assert list(folder.read("raw/d/a.jsonl")) == [b"01234", b"56789", b"ab"]
    assert not list(tmp_path.rglob(".tmp-*"))


def test_log_lines_are_json_with_the_run_id(capsys):
    log = run_logger("run-42", "reviews")
    log.info("etl done", fields={"shards": 3})
    try:
        raise ValueError("boom")
    except ValueError as error:
        log.error("etl failed", exc_info=error)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert {k: first[k] for k in ("level", "name", "component", "runId", "dataset", "shards", "msg")} == {
        "level": 30, "name": "tollgate", "component": "etl", "runId": "run-42", "dataset": "reviews", "shards": 3, "msg": "etl done"
    }
    assert second["level"] == 50 and second["runId"] == "run-42" and second["err"]["type"] == "ValueError"
    assert logging.getLogger("tollgate.etl").propagate is False
