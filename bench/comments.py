"""Comment benchmark: submissions accepted per second through the real server
on PostgreSQL (with Redis as the cache, as in production), and the moderation
queue's load time with 100,000 comments.

    .venv/bin/python -m bench.comments [--posts 1000] [--clients 32] [--comments 100000]

Prints one line per measurement and a JSON summary on the last line.
"""

import argparse
import http.cookiejar
import json
import re
import statistics
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from dateline.testing.comments import CommentServer

PASSWORD = "bench moderator passphrase"  # noqa: S105 - a throwaway bench database
FILL_SQL = """
INSERT INTO comments_comment (article_id, depth, name, email, website, body, status,
    held_reasons, spam_reason, email_verified, idempotency_key, created_at, erased,
    moderators_notified)
SELECT %(article)s, 0, 'Reader ' || n, 'reader' || n || '@example.org', '',
    'Comment number ' || n || ' about the quota talks.',
    (ARRAY['pending','approved','approved','spam','trash'])[1 + n %% 5],
    CASE WHEN n %% 5 = 0 THEN 'First comment from this email address.' ELSE '' END,
    '', false, 'fill-' || n, now() - (n || ' seconds')::interval, false, true
FROM generate_series(1, %(total)s) AS n
"""


def measure_submissions(server, posts, clients):
    tokens = [server.form_token() for _ in range(posts)]

    def send(index):
        status, headers, _ = server.post_comment(
            tokens[index],
            comment=f"Benchmark comment {index}: the quota talks, again.",
            email=f"bench{index}@example.org",
        )
        return status == 303 and headers.get("X-Comment-Outcome") == "created"

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        accepted = sum(pool.map(send, range(posts)))
    elapsed = time.perf_counter() - started
    rows = server.sql("SELECT count(*) FROM comments_comment")[0][0]
    return {"posted": posts, "accepted": accepted, "rows": rows, "seconds": round(elapsed, 2)}


def admin_session(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{server.port}"
    login = opener.open(base + "/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    data = urllib.parse.urlencode(
        {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own http server
        base + "/admin/login/", data=data, headers={"Referer": base}
    )
    opener.open(request).read()
    return opener, base


def measure_queue(server, total, repeats=7):
    server.sql(FILL_SQL, {"article": server.article_id, "total": total})
    server.sql("ANALYZE comments_comment")
    server.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('bench', 'bench@example.org', '{PASSWORD}')",
    )
    opener, base = admin_session(server)
    results = {}
    views = [("all", ""), ("pending", "?status=pending"), ("search", "?q=number+4242")]
    for label, query in views:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            body = opener.open(base + "/admin/snippets/comments/comment/" + query).read()
            timings.append(time.perf_counter() - started)
            assert b"snippet_" in body, label  # a listing with rows, not an error page
        results[label] = {
            "median_ms": round(statistics.median(timings) * 1000, 1),
            "max_ms": round(max(timings) * 1000, 1),
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    extra = {"REDIS_URL": "redis://127.0.0.1:6379/3"}
    server = CommentServer("dateline_comments_bench", workers=args.workers, extra_env=extra)
    with server:
        posting = measure_submissions(server, args.posts, args.clients)
        rate = posting["accepted"] / posting["seconds"]
        print(
            f"comment submissions: {posting['accepted']}/{posting['posted']} accepted "
            f"({posting['rows']} rows) in {posting['seconds']:.1f}s = {rate:.0f}/s"
        )
        queue = measure_queue(server, args.comments)
        for label, numbers in queue.items():
            print(
                f"moderation queue ({label}, {args.comments:,} comments): "
                f"median {numbers['median_ms']:.0f} ms, max {numbers['max_ms']:.0f} ms"
            )
    summary = {"submissions_per_second": round(rate, 1), "posting": posting, "queue": queue}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
