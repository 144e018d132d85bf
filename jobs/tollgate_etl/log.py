"""Structured logging for the job: one JSON object per line on stderr, shaped like the TypeScript
side's pino lines (`level` 30/40/50, ISO `time`, `name`, `msg`), with the run's keys on every line."""

import json
import logging
import sys
from datetime import datetime, timezone

_PINO_LEVELS = {logging.DEBUG: 20, logging.INFO: 30, logging.WARNING: 40, logging.ERROR: 50, logging.CRITICAL: 60}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: level, time, name, the keys passed in `extra={"fields": …}`, msg."""

    def format(self, record):
        entry = {
            "level": _PINO_LEVELS.get(record.levelno, 30),
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "name": "tollgate",
            **getattr(record, "fields", {}),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            error = record.exc_info[1]
            entry["err"] = {"type": type(error).__name__, "message": str(error), "stack": self.formatException(record.exc_info)}
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to the current sys.stderr, not the one at creation (tests and Glue may swap it)."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)


class RunLogger(logging.LoggerAdapter):
    """A logger whose lines all carry the same keys (runId, dataset, component) plus those of each call."""

    def process(self, msg, kwargs):
        fields = {**self.extra, **kwargs.pop("fields", {})}
        kwargs["extra"] = {"fields": fields}
        return msg, kwargs


def run_logger(run_id, dataset):
    """The job's logger for one run: JSON lines on stderr with runId, dataset and component "etl"."""
    base = logging.getLogger("tollgate.etl")
    if not any(isinstance(h.formatter, JsonFormatter) for h in base.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        base.addHandler(handler)
        base.setLevel(logging.INFO)
        base.propagate = False
    return RunLogger(base, {"component": "etl", "runId": run_id, "dataset": dataset})
