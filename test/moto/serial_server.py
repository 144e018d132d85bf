"""moto server answering one request at a time (werkzeug without threads).

moto's own `moto_server` serves each request on its own thread, and moto's DynamoDB backend does not
lock an item between a ConditionExpression's check and the write: two conditional writes racing on
one item can both succeed there, which DynamoDB never allows (conditional writes on an item are
atomic). Tests that race conditional writes run against this server instead, so the emulator keeps
DynamoDB's guarantee and the test checks our conditions, not moto's threading.

Usage: python serial_server.py HOST PORT (PORT 0: the OS picks one; werkzeug prints it).
"""

import signal
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
run_simple(
    sys.argv[1],
    int(sys.argv[2]),
    DomainDispatcherApplication(create_backend_app),
    threaded=False,
    request_handler=MotoRequestHandler,
)
