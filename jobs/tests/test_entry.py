"""The Glue entry point's arguments, and that the workflow's Etl state passes exactly those."""

import json
import sys
import types

import etl_job
from conftest import REPO


def test_glue_arguments_come_from_get_resolved_options(monkeypatch):
    seen = {}

    def get_resolved_options(argv, names):
        seen["names"] = names
        return {name: f"<{name}>" for name in names} | {"data_bucket": "tollgate-data"}

    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = get_resolved_options
    monkeypatch.setitem(sys.modules, "awsglue", types.ModuleType("awsglue"))
    monkeypatch.setitem(sys.modules, "awsglue.utils", utils)
    root, args, limits = etl_job.parse_arguments(["etl_job.py"])
    assert root == "s3://tollgate-data/"
    assert args == {name: f"<{name}>" for name in etl_job.ARGUMENTS}
    assert limits == {}
    assert sorted(seen["names"]) == sorted(["data_bucket", *etl_job.ARGUMENTS])


def test_local_arguments_come_from_argparse():
    argv = ["etl_job.py", "--store_root", "/tmp/x", *[f"--{n}={n}" for n in etl_job.ARGUMENTS], "--shard_rows=7"]
    root, args, limits = etl_job.parse_arguments(argv)
    assert root == "/tmp/x"
    assert args == {n: n for n in etl_job.ARGUMENTS}
    assert limits == {"shard_rows": 7}


def test_the_workflow_etl_state_passes_the_job_arguments():
    asl = json.loads((REPO / "workflows" / "retrain.asl.json").read_text("utf-8"))
    state = asl["States"]["Etl"]
    assert state["Resource"] == "arn:aws:states:::glue:startJobRun.sync"
    passed = {key.removeprefix("--").removesuffix(".$") for key in state["Parameters"]["Arguments"]}
    assert passed == {"data_bucket", *etl_job.ARGUMENTS}
