"""The only places Dateline touches a framework's private internals.

Each module names the internal it uses, why no public API does the job, and
its test (tests/test_internals.py) fails loudly when an upgrade moves it.
Everything else in Dateline uses public APIs only.
"""
