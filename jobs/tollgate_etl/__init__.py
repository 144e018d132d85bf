"""tollgate's ETL as a Glue 5.0 (Spark 3.5) job: raw labeled text -> curated dataset.

The rules are specified in docs/etl-rules.md and shared with the local runner
(packages/local/src/etl) through the test vectors in
packages/local/test/fixtures/etl/vectors.json.
"""
