"""Helpers for distribution tests: the shipped schemas and an awkward headline."""

import json
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"

# Everything that tends to break escaping: markup characters, both quotes,
# an ampersand, an emoji and right-to-left text.
AWKWARD_TITLE = 'Fish & "chips" <b>not bold</b> it\'s 🐟 in שלום עליכם'


def xml_schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def json_feed_schema():
    return json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text())


def assert_valid(schema, content):
    """Parse `content` and validate it, failing with the schema's own error messages."""
    document = etree.fromstring(content)
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)
    return document
