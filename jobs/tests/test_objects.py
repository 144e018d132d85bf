"""The job's object access (tollgate_etl.objects): S3 through boto3 (moto stands in for S3), and a folder."""

import json
import logging

import boto3
import pytest
from moto import mock_aws

from conftest import FIXTURES

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


def _objects_under(store, prefix=""):
    """key -> bytes of every object (manifests without createdAt)."""
    out = {}
    for key, _ in store.list(prefix):
        data = b"".join(store.read(key))
        if key.endswith("manifest.json"):
            data = json.dumps({**json.loads(data), "createdAt": ""}, sort_keys=True).encode()
        out[key] = data
    return out


def test_the_job_on_s3_writes_what_it_writes_to_a_folder(spark, tmp_path, monkeypatch):
    """The whole job against an S3 endpoint (moto's server): the executors read and write S3 themselves."""
    from moto.server import ThreadedMotoServer

    from tollgate_etl.run import run_etl

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://{host}:{port}")
        objects._clients.clear()
        boto3.client("s3", endpoint_url=f"http://{host}:{port}").create_bucket(Bucket="data")
        s3, folder = objects.open_objects("s3://data/"), objects.open_objects(str(tmp_path))
        for path in sorted((FIXTURES / "raw").rglob("*")):
            if path.is_file():
                key = "raw/reviews/" + path.relative_to(FIXTURES / "raw").as_posix()
                s3.put(key, path.read_bytes())
                folder.put(key, path.read_bytes())
        args = {
            "run_id": "s3-run",
            "dataset": "reviews",
            "raw_prefix": "raw/reviews/",
            "curated_prefix": "curated/reviews/",
            "quarantine_prefix": "quarantine/reviews/",
            "manifest_key": "runs/s3-run/manifest.json",
        }
        limits = {"shard_rows": 4, "quarantine_rows": 4}
        on_s3 = run_etl(spark, "s3://data/", args, limits)
        on_folder = run_etl(spark, str(tmp_path), args, limits)
        assert on_s3["datasetVersion"] == on_folder["datasetVersion"] and len(on_s3["shards"]) >= 3
        assert _objects_under(s3) == _objects_under(folder)
    finally:
        server.stop()
        objects._clients.clear()
