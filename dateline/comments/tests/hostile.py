"""Inputs an attacker would try, shared by the server-side and browser suites.

Each tries to run `window.__pwned = 1` (or a dialog), in every field and case."""

SCRIPTS = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<ScRiPt>window.__pwned=1</sCrIpT>",
    "<img src=x onerror=window.__pwned=1>",
    "<svg/onload=window.__pwned=1>",
    '"><script>window.__pwned=1</script>',
    "'><a href=javascript:window.__pwned=1>x</a>",
    "</textarea><script>window.__pwned=1</script>",
    '<a href="http://x.example" onclick="window.__pwned=1">x</a>',
    'http://example.org/"onmouseover="window.__pwned=1"',
    "javascript:window.__pwned=1",
    "JaVaScRiPt:window.__pwned=1",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ 7|add:7 }} {% debug %}",
    "<iframe src=//evil.example></iframe><style>*{display:none}</style>",
]

WEBSITES = [
    "javascript:window.__pwned=1",
    "JAVASCRIPT:window.__pwned=1",
    " javascript:alert(1)",
    "data:text/html,<script>window.__pwned=1</script>",
    "vbscript:msgbox(1)",
    'https://example.org/"onmouseover="window.__pwned=1',
    "https://example.org/'><script>window.__pwned=1</script>",
    "//evil.example",
]

TRICKY_NAMES = {
    "Eve\r\nBcc: victim@example.org": "Eve Bcc: victim@example.org",
    "Ad\u200bmin\u2060": "Admin",
    "Moderator\u202egnp.exe": "Moderatorgnp.exe",
    "\u2066Isolated\u2069 name": "Isolated name",
    "Tab\tand\x07bell": "Tab andbell",
    "Family 👩\u200d👩\u200d👧": "Family 👩\u200d👩\u200d👧",
}
