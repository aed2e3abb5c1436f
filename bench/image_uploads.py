"""Uploads images through the admin, with the worker running, and counts what went wrong.

    .venv/bin/python bench/image_uploads.py [--uploads 500] [--clients 4] [--database sqlite]

Starts `dateline serve` and `dateline worker` on a database of their own (an
SQLite file, as `make run` has, or a fresh PostgreSQL database on
BENCH_POSTGRES), signs `--clients` editors in and has them upload `--uploads`
different images through Wagtail's "Add an image" form at once. Reports
uploads per second, the answers that were not "stored" (302), and then, once
the worker has run every queued task: images stored twice, images with no or
two search index rows, failed index tasks and errors in the server's log.
"""

import argparse
import random
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dateline.testing.uploads import UploadSite, png  # noqa: E402


def upload_all(site, uploads, clients, pause=0.0):
    """Each editor uploads in turn, waiting up to `pause` seconds (at random) before each."""
    sessions = [site.session() for _ in range(clients)]
    images = [(f"Upload {n:04d}", png(n)) for n in range(uploads)]

    def send(n):
        if pause:
            time.sleep(random.uniform(0, pause))  # noqa: S311 - spacing, not secrets
        title, data = images[n]
        status, body = sessions[n % clients].upload_image(title, data, f"photo-{n}.png")
        return status, body if status != 302 else ""

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(send, range(uploads)))
    return answers, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.8,
        help="each editor waits up to this many seconds before each upload (0: flat out)",
    )
    args = parser.parse_args()

    with UploadSite(args.database) as site:
        answers, seconds = upload_all(site, args.uploads, args.clients, args.pause)
        site.wait_for_worker()
        outcome = site.outcome()

    statuses = Counter(status for status, _ in answers)
    failed = [body for status, body in answers if status != 302]
    print(f"{args.uploads} uploads from {args.clients} editors on {args.database}, worker running")
    print(f"  {seconds:.1f} s, {args.uploads / seconds:.1f} uploads/s")
    print(f"  answers: {dict(statuses)}; errors: {len(failed)}")
    print(f"  images stored: {outcome.images}; titles stored twice: {outcome.titles_stored_twice}")
    print(
        f"  image index rows: {outcome.index_rows}; images indexed twice: "
        f"{len(outcome.images_indexed_twice)}; not indexed: {outcome.images_not_indexed}"
    )
    print(
        f"  failed index tasks: {len(outcome.failed_tasks)}; server errors logged: "
        f"{len(outcome.server_errors)}"
    )
    for body in failed[:3]:
        print("  first lines of a failed answer:", body[:300].replace("\n", " "))
    for line in outcome.server_errors[:3]:
        print("  logged:", str(line)[:300])
    broken = failed or outcome.titles_stored_twice or outcome.failed_tasks or outcome.server_errors
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
