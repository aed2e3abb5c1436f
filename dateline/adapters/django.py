"""Django internals Dateline uses.

- `HttpRequest._get_raw_host()`: the Host header without the ALLOWED_HOSTS
  check that `get_host()` makes. The site memo keys on it exactly as
  Wagtail's own site lookup does, so a request the memo answers is the one
  Wagtail would have answered (and Django refuses a bad host later, as usual).
"""


def raw_host(request):
    return request._get_raw_host()
