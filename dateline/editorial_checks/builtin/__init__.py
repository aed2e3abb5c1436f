"""The built-in checks; importing this package registers them."""

from . import consistency, figures, links, style, weight  # noqa: F401
