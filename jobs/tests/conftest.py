"""Shared fixtures: one local Spark session per test run, and the ETL test vectors."""

import base64
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

JOBS = Path(__file__).resolve().parents[1]
REPO = JOBS.parent
FIXTURES = REPO / "packages" / "local" / "test" / "fixtures" / "etl"

# Dummy AWS settings for the tests that use moto, set before Spark starts so its Python workers
# (the executors, which talk to S3 themselves) inherit them. Nothing here reaches AWS.
for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)

# The executors (Python workers) import tollgate_etl too.
sys.path.insert(0, str(JOBS))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(JOBS), os.environ.get("PYTHONPATH")]))

_REPEAT = re.compile(r"\{\{(.+?)\*(\d+)\}\}")


def expand(value):
    """Expands {{c*N}} (the character c repeated N times)."""
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), value)


def load_vectors():
    """vectors.json with placeholders expanded and each row vector's input as bytes."""
    vectors = json.loads((FIXTURES / "vectors.json").read_text("utf-8"))
    for v in vectors["rows"]:
        v["bytes"] = base64.b64decode(v["inputBase64"]) if "inputBase64" in v else expand(v["input"]).encode("utf-8")
        for o in v["expect"]:
            if "text" in o:
                o["text"], o["label"] = expand(o["text"]), expand(o["label"])
    return vectors


def copy_tree(source, target):
    """Copies a fixture folder (all files, hidden ones included)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("tollgate-etl-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
