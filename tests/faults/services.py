"""What only the fault tests need beyond `dateline.testing.servers`: a crowd of
threads working until told to stop, and a reader's cookie-keeping opener."""

import threading
import urllib.request
from http.cookiejar import CookieJar


class Crowd:
    """Threads that each call `work(number)` until the `with` block ends.

    Whatever stops a thread early is kept in `errors` for the test to report,
    rather than lost with the thread.
    """

    def __init__(self, threads):
        self.errors = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def work(self, number):
        raise NotImplementedError

    @property
    def stopping(self):
        return self._stop.is_set()

    def _run(self, number):
        try:
            self.work(number)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(error))

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def browser():
    """An opener that keeps cookies, like a reader's browser, and does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
