"""Parity: the Glue job (jobs/etl_job.py's entry point, under local pyspark) and the local runner (runEtl, via
scripts/etl-local.ts) on the same raw files give identical curated data, quarantine and manifest."""

import json
import shutil
import subprocess

from conftest import FIXTURES, JOBS, REPO, copy_tree, load_vectors

from tollgate_etl.run import InvalidDatasetError, run_etl

ARGS = {
    "run_id": "parity-run",
    "dataset": "parity",
    "raw_prefix": "raw/parity/",
    "curated_prefix": "curated/parity/",
    "quarantine_prefix": "quarantine/parity/",
    "manifest_key": "runs/parity/manifest.json",
}


def _raw_folder(root):
    """The raw fixture folder plus every row vector as its own file."""
    raw = root / "raw" / "parity"
    copy_tree(FIXTURES / "raw", raw)
    for i, v in enumerate(load_vectors()["rows"]):
        path = raw / "vectors" / f"v{i:03d}" / v["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(v["bytes"])


#: Small shards, so that the fixture spreads over several curated and quarantine shards.
LIMITS = {"shard_rows": 7, "quarantine_rows": 5}


def _command_args(root, limits=None):
    options = {**ARGS, **{name: str(value) for name, value in (limits or {}).items()}}
    return ["--store_root", str(root), *[item for name, value in options.items() for item in (f"--{name}", value)]]


def _local_runner(root, limits=None, workers=None):
    """The local runner: with `workers`, its bounded path on that many threads; else its in-memory path."""
    pnpm = shutil.which("pnpm")
    assert pnpm, "pnpm is needed to run the local runner (scripts/etl-local.ts)"
    extra = [] if workers is None else ["--workers", str(workers), "--memory_bytes", "0"]
    return subprocess.Popen(
        [pnpm, "exec", "tsx", "scripts/etl-local.ts", *_command_args(root, limits), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _glue_job(root, capsys, limits=None):
    """Runs the job's entry point in this process (it reuses the test session's SparkContext)."""
    import etl_job

    capsys.readouterr()
    etl_job.main([str(JOBS / "etl_job.py"), *_command_args(root, limits)])
    captured = capsys.readouterr()
    logs = [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]
    assert logs and all(entry["runId"] == ARGS["run_id"] for entry in logs)  # JSON log lines carry the run id
    return json.loads(captured.out)


def _files(root):
    """Every output file (relative path -> bytes), except the raw input."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).parts[0] == "raw"
    }


def _without_created_at(data):
    manifest = json.loads(data)
    manifest.pop("createdAt")
    return manifest


def test_glue_job_and_local_runner_agree_shard_for_shard(spark, tmp_path, capsys):
    local, memory, glue = tmp_path / "local", tmp_path / "memory", tmp_path / "glue"
    _raw_folder(local)
    copy_tree(local / "raw", glue / "raw")
    copy_tree(local / "raw", memory / "raw")
    proc = _local_runner(local, LIMITS, workers=2)  # runs while Spark works
    glue_stdout = _glue_job(glue, capsys, LIMITS)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"local runner failed:\n{err.decode(errors='replace')[-4000:]}"
    in_memory = _local_runner(memory, LIMITS)  # the small-input path: the same files, byte for byte
    memory_out, memory_err = in_memory.communicate(timeout=600)
    assert in_memory.returncode == 0, memory_err.decode(errors="replace")[-4000:]
    assert {k: v for k, v in _files(memory).items() if not k.endswith("manifest.json")} == {
        k: v for k, v in _files(local).items() if not k.endswith("manifest.json")
    }
    assert _without_created_at(memory_out) == _without_created_at(out)

    local_files, glue_files = _files(local), _files(glue)
    assert sorted(local_files) == sorted(glue_files)
    manifest = json.loads(local_files[ARGS["manifest_key"]])
    assert manifest["counts"]["valid"] > 0 and manifest["counts"]["quarantined"] > 0
    assert len(manifest["shards"]) >= 4 and len(manifest["quarantineKeys"]) >= 4
    quarantine = [json.loads(line) for key in manifest["quarantineKeys"] for line in local_files[key].splitlines()]
    assert len({q["reason"] for q in quarantine}) >= 15

    for key in sorted(local_files):
        if key.endswith("manifest.json"):
            assert _without_created_at(local_files[key]) == _without_created_at(glue_files[key]), key
        else:
            assert local_files[key] == glue_files[key], key  # curated and quarantine shards: same bytes
    assert _without_created_at(out) == _without_created_at(json.dumps(glue_stdout))


def test_both_reject_a_dataset_without_valid_rows_the_same_way(spark, tmp_path):
    local, glue = tmp_path / "local", tmp_path / "glue"
    for root in (local, glue):
        raw = root / "raw" / "parity"
        raw.mkdir(parents=True)
        (raw / "bad.csv").write_text('text,label\n,x\n"open,y\n')
        (raw / "bad.jsonl").write_bytes(b'{"text":"caf\xe9","label":"y"}\n[1]\n')
    proc = _local_runner(local)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err.decode()
    try:
        run_etl(spark, str(glue), ARGS)
        raise AssertionError("expected InvalidDatasetError")
    except InvalidDatasetError as e:
        glue_message = str(e)
    assert err.decode().strip() == f"InvalidDatasetError: {glue_message}"
    assert _files(local) == _files(glue)
