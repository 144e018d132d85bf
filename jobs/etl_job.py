"""Glue 5.0 entry point of tollgate's ETL (script location of the Etl job; see stacks/etl.ts).

On Glue: arguments come from the Step Functions Etl state (--data_bucket, --run_id, --dataset, --raw_prefix,
--curated_prefix, --quarantine_prefix, --manifest_key) through getResolvedOptions, and the
tollgate_etl package comes with --extra-py-files. Locally (no awsglue):

    PYTHONPATH=jobs python jobs/etl_job.py --store_root DIR --run_id x --dataset NAME --raw_prefix raw/NAME/ \\
        --curated_prefix curated/NAME/ --quarantine_prefix quarantine/NAME/ --manifest_key runs/x/manifest.json

Logs are JSON lines on stderr carrying the run id (tollgate_etl.log); the manifest goes to stdout.
"""

import argparse
import json
import sys

ARGUMENTS = ["run_id", "dataset", "raw_prefix", "curated_prefix", "quarantine_prefix", "manifest_key"]
#: Smaller shard sizes, for tests that want many shards from a small fixture (local runs only).
LIMIT_OPTIONS = ["shard_rows", "shard_bytes", "quarantine_rows"]


def parse_arguments(argv):
    """(root URI or folder, dict of the ETL arguments, dict of limit overrides)."""
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        parser = argparse.ArgumentParser(description="tollgate ETL (local pyspark)")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--store_root", help="local folder standing for the data bucket")
        where.add_argument("--data_bucket", help="S3 bucket name")
        for name in ARGUMENTS:
            parser.add_argument(f"--{name}", required=True)
        for name in LIMIT_OPTIONS:
            parser.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)
        ns = parser.parse_args(argv[1:])
        root = ns.store_root or f"s3://{ns.data_bucket}/"
        limits = {name: getattr(ns, name) for name in LIMIT_OPTIONS if getattr(ns, name) is not None}
        return root, {name: getattr(ns, name) for name in ARGUMENTS}, limits
    options = getResolvedOptions(argv, ["data_bucket", *ARGUMENTS])
    return f"s3://{options['data_bucket']}/", {name: options[name] for name in ARGUMENTS}, {}


def main(argv):
    """Runs the job; prints the manifest as JSON on stdout."""
    from pyspark.sql import SparkSession

    from tollgate_etl.log import run_logger
    from tollgate_etl.run import run_etl

    root, args, limits = parse_arguments(argv)
    spark = SparkSession.builder.appName(f"tollgate-etl-{args['dataset']}").getOrCreate()
    try:
        manifest = run_etl(spark, root, args, limits)
    except Exception as error:
        run_logger(args["run_id"], args["dataset"]).error("etl failed", exc_info=error, fields={"error": type(error).__name__})
        raise
    sys.stdout.write(json.dumps(manifest, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
