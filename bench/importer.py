"""Benchmark: generate a WordPress export of N posts (20,000 by default), import it
into a private database, and report the time taken and the peak memory.

    .venv/bin/python bench/importer.py [--posts 20000] [--rerun] [--keep]

Uses a throwaway SQLite database in a temporary folder, or PostgreSQL when
BENCH_DATABASE_URL is set (a database of its own, e.g.
postgres://postgres@127.0.0.1:5432/dateline_bench_importer, created and dropped here).
"""

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench Gazette</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
"""
WORDS = [
    "harbour", "council", "ferry", "storm", "budget", "school", "road", "bridge", "market",
    "festival", "vote", "mayor", "fishermen", "weather", "police", "hospital", "rail",
    "airport", "museum", "library", "winter", "summer", "island",
]  # fmt: skip


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def post_xml(n, rng, categories, tags, authors):
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    year = 2010 + n % 15
    date = f"{year}-{month:02d}-{day:02d} {n % 24:02d}:{n % 60:02d}:00"
    paragraphs = "\n\n".join(
        f"<!-- wp:paragraph -->\n<p>{sentence(rng)} <strong>{sentence(rng, 4)}</strong> "
        f'<a href="https://bench.example/{n}/">{sentence(rng, 3)}</a></p>\n<!-- /wp:paragraph -->'
        for _ in range(rng.randint(4, 9))
    )
    content = (
        paragraphs
        + "\n<!-- wp:heading -->\n<h2>"
        + sentence(rng, 5)
        + "</h2>\n<!-- /wp:heading -->\n<!-- wp:list -->\n<ul><li>"
        + "</li><li>".join(sentence(rng, 6) for _ in range(3))
        + "</li></ul>\n<!-- /wp:list -->\n<!-- wp:quote -->\n<blockquote class='wp-block-quote'>"
        + f"<p>{sentence(rng)}</p><cite>Source {n}</cite></blockquote>\n<!-- /wp:quote -->"
    )
    category = rng.choice(categories)
    post_tags = rng.sample(tags, 3)
    status = "draft" if n % 50 == 0 else "publish"
    tag_xml = "".join(
        f'<category domain="post_tag" nicename="{t}"><![CDATA[{t.title()}]]></category>'
        for t in post_tags
    )
    return f"""<item><title><![CDATA[{sentence(rng, 7)} #{n}]]></title>
<link>https://bench.example/{date[:4]}/{date[5:7]}/{date[8:10]}/post-{n}/</link>
<dc:creator><![CDATA[{rng.choice(authors)}]]></dc:creator>
<guid isPermaLink="false">https://bench.example/?p={n}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{sentence(rng, 20)}]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_modified_gmt>{date}</wp:post_modified_gmt>
<wp:post_name>post-{n}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>post</wp:post_type><wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="{category}"><![CDATA[{category.title()}]]></category>
{tag_xml}</item>
"""


def write_export(path, posts, seed=7):
    rng = random.Random(seed)  # noqa: S311 - repeatable sample text, not secrets
    categories = [f"section-{i}" for i in range(12)]
    tags = [f"topic-{i}" for i in range(200)]
    authors = [f"reporter{i}" for i in range(20)]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i, login in enumerate(authors):
            out.write(
                f"<wp:author><wp:author_id>{i + 1}</wp:author_id><wp:author_login>{login}"
                f"</wp:author_login><wp:author_email>{login}@bench.example</wp:author_email>"
                f"<wp:author_display_name>Reporter {i}</wp:author_display_name></wp:author>\n"
            )
        for slug in categories:
            out.write(
                f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:cat_name>{slug.title()}</wp:cat_name></wp:category>\n"
            )
        for n in range(1, posts + 1):
            out.write(post_xml(n, rng, categories, tags, authors))
        out.write("</channel></rss>\n")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The targets of issue 19 for the 20,000-post file; a smaller run is held to them
# scaled by its number of posts (memory is not scaled: it should not grow with them).
TARGET_POSTS = 20_000
TARGET_FIRST_SECONDS = 300
TARGET_RERUN_SECONDS = 30
TARGET_PEAK_MB = 300


def verdict(ok):
    return "PASS" if ok else "FAIL"


def timed_import(export, label, profile=None):
    from dateline.importer.run import WordPressImport

    job = WordPressImport(export, on_phase=lambda name, total: print(f"  {label}: {name}…"))
    started, cpu_started = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        summary = profiler.runcall(job.run)
        profiler.dump_stats(profile)
    else:
        summary = job.run()
    return summary, time.perf_counter() - started, time.process_time() - cpu_started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=TARGET_POSTS)
    parser.add_argument("--rerun", action="store_true", help="import a second time (no changes)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--profile", metavar="PATH", help="write cProfile stats of the first run")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dateline-bench-importer-"))
    os.environ["DATELINE_VAR_DIR"] = str(work)
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    export = work / "export.xml"
    started = time.perf_counter()
    write_export(export, args.posts)
    size_mb = export.stat().st_size / 1e6
    print(f"export: {args.posts:,} posts, {size_mb:.1f} MB, written in "
          f"{time.perf_counter() - started:.1f}s")  # fmt: skip

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from dateline.demo.loader import load_demo_site

    scale = args.posts / TARGET_POSTS
    targets = {
        "first run": TARGET_FIRST_SECONDS * scale,
        "second run": TARGET_RERUN_SECONDS * scale,
    }
    failed = False
    try:
        if connection.vendor == "postgresql":
            call_command("flush", "--noinput", verbosity=0)  # a private bench database only
        call_command("migrate", verbosity=0)
        load_demo_site()
        print(f"database: {connection.vendor}; peak memory before import: {peak_rss_mb():.0f} MB")
        if args.posts != TARGET_POSTS:
            print(f"targets scaled to {args.posts:,} of {TARGET_POSTS:,} posts (×{scale:g})")
        for attempt in ["first run", "second run"] if args.rerun else ["first run"]:
            profile = args.profile if attempt == "first run" else None
            summary, elapsed, cpu = timed_import(export, attempt, profile)
            per_post = 1000 * elapsed / args.posts
            ok = elapsed <= targets[attempt]
            failed |= not ok
            print(f"{attempt}: {elapsed:.1f}s wall, {cpu:.1f}s CPU, {per_post:.1f} ms per post "
                  f"({args.posts / elapsed:.0f} posts/s), peak memory {peak_rss_mb():.0f} MB; "
                  f"target ≤ {targets[attempt]:.1f}s: {verdict(ok)}")  # fmt: skip
            for line in summary.table():
                print(f"  {line}")
            if summary.failed:
                print("\n".join(summary.notes()[:20]))
                return 1
        memory_ok = peak_rss_mb() <= TARGET_PEAK_MB
        failed |= not memory_ok
        print(f"peak memory: {peak_rss_mb():.0f} MB; target ≤ {TARGET_PEAK_MB} MB: "
              f"{verdict(memory_ok)}")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"importer: {verdict(not failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
