import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")

# Django first (it sets itself up), then the in-memory tier in front of it.
_django = get_wsgi_application()

from dateline.caching import files, warming  # noqa: E402
from dateline.caching.hot import HotPageApplication  # noqa: E402

application = HotPageApplication(_django)
files.server_process_started()
try:
    # The first reader to reach this process must not pay for its first render.
    warming.prime_process()
except Exception:  # the database or Redis not up yet: serve, unprimed
    logging.getLogger("dateline.caching").exception("priming this process failed")
