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
    "Ad\u200ba\u2060 Reader": "Ada Reader",
    "Reader\u202egnp.exe": "Readergnp.exe",
    "Hangul\u3164filler\u3164": "Hangulfiller",
    "Braille\u2800\u2800blank": "Braille blank",
    "\u2066Isolated\u2069 name": "Isolated name",
    "Tab\tand\x07bell": "Tab andbell",
    "Family 👩\u200d👩\u200d👧": "Family 👩\u200d👩\u200d👧",
}

# Comment bots, as they arrive: how each behaves, and what it posts. The bot
# suite (test_bots.py) sends each through the real form view and counts how many
# submissions end up on the public page (none may). `token` is "aged" (fetched
# long enough ago), "fresh" (posted at once), "none" (no JavaScript), or a forged value.
SPAM_TEXT = "Cheap viagra and casino bonus today! Best payday loans: http://pills.example"
GENERIC_TEXT = "Very nice article, thanks for sharing. Check my site for more."
BOTS = [
    {"bot": "fills every field, honeypot too", "token": "aged", "homepage_confirm": "x"},
    {"bot": "no JavaScript, spam text", "token": "none", "comment": SPAM_TEXT},
    {
        "bot": "no JavaScript, generic praise and a link",
        "token": "none",
        "comment": GENERIC_TEXT,
        "website": "http://seo-backlinks.example",
    },
    {"bot": "fetches a token and posts at once", "token": "fresh", "comment": SPAM_TEXT},
    {"bot": "forged token", "token": "eyJrIjoiYWJjIn0:1abcde:forged", "comment": GENERIC_TEXT},
    {
        "bot": "posts without JavaScript, then again with the token it was given",
        "token": "none",
        "persistent": True,
        "comment": GENERIC_TEXT,
    },
    {
        "bot": "cross-site form",
        "token": "aged",
        "HTTP_ORIGIN": "https://evil.example",
        "comment": SPAM_TEXT,
    },
    {"bot": "waits out the timer, spam text", "token": "aged", "comment": SPAM_TEXT},
    *[
        {"bot": "script payload, no JavaScript", "token": "none", "comment": payload}
        for payload in SCRIPTS
    ],
    *[
        {"bot": "hostile website, no JavaScript", "token": "none", "website": website}
        for website in WEBSITES
    ],
    *[
        {"bot": "flood from one address", "token": "aged", "comment": f"{GENERIC_TEXT} {n}"}
        for n in range(10)
    ],
]
