import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

# Django first (it sets itself up), then the in-memory tier in front of it.
_django = get_wsgi_application()

from django.db import connections  # noqa: E402

from dateline.caching import files, warming  # noqa: E402
from dateline.caching.hot import HotPageApplication  # noqa: E402
from dateline.operations.background import start_daemon  # noqa: E402

application = HotPageApplication(_django)
files.server_process_started()


def _prime():
    """The first reader to reach this process must not pay for its first render.

    Beside the requests, not before them: a server process that takes seconds
    to start on a busy machine (two processes priming one SQLite file) is not
    ready for its server's signals, and Granian waited on one for good when
    told to stop while it was still loading."""
    try:
        warming.prime_process()
    except Exception:  # the database or Redis not up yet: serve, unprimed
        logging.getLogger("dateline.caching").exception("priming this process failed")
    finally:
        connections.close_all()  # this thread's own, which nothing else will close


start_daemon("dateline-prime", _prime)
