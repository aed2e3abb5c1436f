"""Times every editorial check on a 3,000-word article.

    .venv/bin/python bench/checks.py [--runs N]

Runs against a throwaway SQLite database in a temporary folder (the page
weight and link checks need images and pages), so it touches no real data.
Prints the words checked, the first run (which renders the phone-width
images), the median of the warm runs, and each check's share.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "Officials in Skarholm said the talks on the northern banks would resume on Monday.",
    "President Ilse Varga told reporters that the quota offer was “final, for now”.",
    "The fleet landed 1,240 tonnes of cod last month, down from 1,900 a year earlier.",
    "Prime Minister Aron Halden's office declined to comment on the proposal.",
    "Harbour masters along the coast reported calm seas and a quiet week (apart from one storm).",
    'Read the full statement on <a href="https://example.org/statement">the ministry\'s site</a>.',
    "Scientists at the Coastal Ecology Institute counted kelp on forty transects.",
    "Fishermen in Norrvik said they had not been consulted before the vote.",
]


def build_article(photo, words=3000):
    from dateline.editorial_checks.tests.factories import article, figure, heading, p

    body, count, index = [], 0, 0
    while count < words:
        paragraph = " ".join(SENTENCES[(index + k) % len(SENTENCES)] for k in range(4))
        body.append(p(paragraph))
        count += len(paragraph.split())
        index += 1
        if index % 6 == 0:
            body.append(heading(f"Part {index // 6} of the talks"))
            body.append(
                figure(
                    photo,
                    alt="Fishing boats tied up three deep along a stone quay.",
                    caption="Boats wait out the closure in Norrvik harbour.",
                )
            )
    return article(
        "Talks on the northern banks resume after a week of storms",
        "Both sides say a quota deal is close; the fleets are not so sure.",
        body,
    ), count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="dateline-bench-")
    os.environ["DATELINE_VAR_DIR"] = workdir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from dateline.editorial_checks.article import ArticleText
    from dateline.editorial_checks.base import registry
    from dateline.editorial_checks.models import EditorialChecksSettings
    from dateline.editorial_checks.runner import run_checks
    from dateline.editorial_checks.tests.factories import make_photo

    photo = make_photo(title="Harbour")
    page, words = build_article(photo)
    style = EditorialChecksSettings()

    started = time.perf_counter()
    report = run_checks(page, style=style)
    cold = time.perf_counter() - started

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        run_checks(page, style=style)
        timings.append(time.perf_counter() - started)

    article = ArticleText.from_page(page, style)
    per_check = {}
    for check in registry:
        started = time.perf_counter()
        for _ in range(args.runs):
            list(check.run(article))
        per_check[check.code] = (time.perf_counter() - started) / args.runs

    print(f"words checked: {words}, blocks: {len(page.body)}, findings: {len(report.items)}")
    print(f"first run (renders phone-width images): {cold * 1000:.1f} ms")
    print(f"warm run, median of {args.runs}: {statistics.median(timings) * 1000:.1f} ms")
    for code, seconds in sorted(per_check.items(), key=lambda pair: -pair[1]):
        print(f"  {code:28} {seconds * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
