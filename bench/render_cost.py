"""What a cold article render costs, against Wagtail's starter page.

    .venv/bin/python bench/render_cost.py [--renders N] [--repeat N]

The page cache is off throughout (PAGE_CACHE=0): every request renders.
CPU time per request in one process (Django's test client), the server and
the network out, each app on its own throwaway SQLite database in a
temporary folder, as in the embedded run, for
- Wagtail's starter page (`wagtail start`), the issue's yardstick;
- the demo article with every cache empty: the rendered fragments and the
  renditions emptied before each request (caching/fragments.py); what the
  first reader after a deploy pays. Target: at most half the same render
  on the code the issue was filed against (the baseline below), or, where
  that cannot be measured, the issue's 12 ms;
- the demo article with only its fragments warm (kept by revision, image
  and comment-list version, and the page its address routes to): what the
  first reader after a purge of another page, or after the page cache let
  it go, pays. Target: at most 0.67 of the starter page's CPU (the issue's
  "1.5 times the starter page's rate");
- the cold article's content alone, part by part: every query and parse its
  page needs, timed one by one, without rendering any HTML;
- two floors of the cold render (`measure_floors`): its HTML made from
  content already in memory, with its fragments kept, and its SQL statements
  on the bare DB-API cursor. The cold render less the first is reading the
  content through Django and Wagtail, and the request's way through the
  middleware;
- the demo article with every cache empty on the code issue 19 was filed
  against (`--baseline`, a git worktree of that commit with its own
  database, measured in turn with the others): the issue's "about half of
  today" as a ratio of two renders on the same machine, which the machine's
  speed does not move. Skipped, with a line that says so, outside a git
  checkout that has the commit.
Each figure is printed against the starter page measured in the same run;
the two apps are measured in turn `--repeat` times (3), each keeping its best,
so that a drift in the machine's speed does not fall on one of them. A
whole request is the best of several rounds, which is what the code costs
once the machine's noise is out; the parts are means over as many calls, so
noise can only make them larger. The query counts in the part names are the
demo article's (the routing and page-budget tests hold them). Writes
bench/results/render-cost.json.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
# The targets (issue 19, outcome 3).
# Every cache empty: "about half of today", which the issue put at 12 ms on
# the machine it was filed on. The 12 ms verdict is used only when the
# baseline below cannot be measured: machines here differ by twice that.
COLD_TARGET_MS = 12.0
WARM_TARGET_RATIO = 0.67  # only the fragments warm, against the starter page
ROUNDS = 5
# The code issue 19 was filed against (round one's last commit), and the
# share of its cold render the issue asks for ("about half of today").
BASELINE = "793b14d"
BASELINE_TARGET_RATIO = 0.5


WARM_UP = 20  # calls before measuring: templates compiled, memos filled


def mean_cpu(step, calls, before_each=None):
    """CPU seconds per call of `step`, over `calls` calls.

    `before_each()` runs before every call, outside the time measured (it
    empties caches)."""
    spent = 0.0
    for _ in range(calls):
        if before_each:
            before_each()
        started = time.process_time()
        step()
        spent += time.process_time() - started
    return spent / calls


def best_of_rounds(step, renders, before_each=None):
    """CPU seconds per call of `step`, the best round's mean."""
    mean_cpu(step, WARM_UP, before_each)
    return min(mean_cpu(step, renders, before_each) for _ in range(ROUNDS))


def best_in_turn(measures, renders):
    """`best_of_rounds` for several steps, one round of each in turn.

    `measures` maps a name to (step, before_each, settings): the settings
    (an `override_settings`, or None) apply to that step's rounds only. A
    drift in the machine's speed falls on every step alike, so their
    differences hold where figures measured one after the other do not."""
    best = {}
    for round_number in range(ROUNDS + 1):  # the first round warms
        for name, (step, before_each, overrides) in measures.items():
            with overrides or contextlib.nullcontext():
                mean = mean_cpu(step, renders if round_number else WARM_UP, before_each)
            if round_number:
                best[name] = min(best.get(name, mean), mean)
    return best


def whole_request(path):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")

    def step():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return step


def measure_starter(renders):
    import django

    django.setup()
    return {"starter page": best_of_rounds(whole_request("/"), renders)}


def measure_baseline(renders):
    """The article with every cache empty, on whatever code this process imports.

    Only Django's API: the baseline's code has none of today's helpers, and
    which caches it has is read from its settings."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches

    import dateline

    if not Path(dateline.__file__).is_relative_to(Path.cwd()):
        raise RuntimeError(f"the baseline imported {dateline.__file__}, not its own code")
    emptied = [caches[alias] for alias in ("fragments", "renditions") if alias in settings.CACHES]

    def empty_caches():
        for cache in emptied:
            cache.clear()

    return {"article cold": best_of_rounds(whole_request(ARTICLE), renders, empty_caches)}


def measure_dateline(renders):
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db.models import prefetch_related_objects
    from django.test import RequestFactory, override_settings

    from dateline.comments.threads import thread_for
    from dateline.news import sites

    factory = RequestFactory(HTTP_HOST="localhost")
    slugs = [slug for slug in ARTICLE.split("/") if slug]
    parts = {}

    def timed(name, started):
        now = time.process_time()
        parts[name] = parts.get(name, 0.0) + now - started
        return now

    def content_alone():
        # What the article view reads, in the order it reads it, one part at
        # a time, with nothing kept from before (the route is remembered too).
        caches["fragments"].clear()
        started = time.process_time()
        request = factory.get(ARTICLE)
        site, _menu = sites.remembered(request)
        started = timed("site and section menu (remembered per process)", started)
        page, _args, _kwargs = site.root_page.route(request, slugs)
        started = timed("route: the tree and the article (2 queries)", started)
        _ = page.authors
        started = timed("byline (1 query)", started)
        _ = page.tag_list
        started = timed("tags (1 query)", started)
        _ = page.note_list
        started = timed("corrections and updates (1 query)", started)
        images = page.figure_images()
        started = timed("body: the stream read into blocks", started)
        prefetch_related_objects(
            [*images, page.lead_image] if page.lead_image else images, "renditions"
        )
        started = timed("figure images and renditions (2 queries)", started)
        thread_for(page)
        timed("comments (1 query)", started)

    def empty_caches():
        caches["fragments"].clear()
        caches["renditions"].clear()

    article = whole_request(ARTICLE)
    unkept = {**getattr(settings, "DATELINE_PAGE_CACHE", {}), "fragments": False}
    # In this order: the last cold render leaves the fragments warm.
    requests = best_in_turn(
        {
            "article cold": (article, empty_caches, None),
            "article warm": (article, None, None),
            "article cold, fragments not kept": (
                article,
                empty_caches,
                override_settings(DATELINE_PAGE_CACHE=unkept),
            ),
        },
        renders,
    )
    floors = measure_floors(renders, empty_caches)
    content_alone()
    # Parts: the mean over every round, warm-up excluded.
    calls = ROUNDS * renders
    for _ in range(20):
        content_alone()
    parts.clear()
    for _ in range(calls):
        content_alone()
    return {
        **requests,
        "content alone": sum(parts.values()) / calls,
        "parts": {name: seconds / calls for name, seconds in parts.items()},
        **floors,
    }


def measure_floors(renders, empty_caches):
    """What a cold render costs besides reading its content through the ORM.

    - its HTML made from content already in memory (the page object a cold
      request built, with everything it read), its fragments kept as on a
      cold request: no query at all;
    - the SQL statements a cold request runs, on the bare DB-API cursor: what
      the database itself costs, without Django building or reading them.
    The first is a floor that no way of reading the content can go
    below while the page is rendered by Django's templates and its fragments
    are kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dateline.comments.templatetags import comment_tags
    from dateline.news.models import ArticlePage

    served = []
    serve = ArticlePage.serve

    def keep_response(page, request, *args, **kwargs):
        response = serve(page, request, *args, **kwargs)
        served.append((request, response))
        return response

    ArticlePage.serve = keep_response
    try:
        empty_caches()
        with CaptureQueriesContext(connection) as queries:
            whole_request(ARTICLE)()
    finally:
        ArticlePage.serve = serve
    if not served:
        raise RuntimeError(f"{ARTICLE} was not served by ArticlePage.serve: nothing to re-render")
    request, response = served[-1]
    template = response.resolve_template(response.template_name)
    page = response.context_data["page"]
    # The comments are content too: read once, like everything else here.
    threads = comment_tags.thread_for(page)
    thread_for = comment_tags.thread_for
    comment_tags.thread_for = lambda article, extra=None: threads
    try:
        html = best_of_rounds(
            lambda: template.render(response.context_data, request), renders, empty_caches
        )
    finally:
        comment_tags.thread_for = thread_for

    statements = [query["sql"] for query in queries.captured_queries]
    connection.ensure_connection()

    def bare_sql():
        cursor = connection.connection.cursor()
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
        cursor.close()

    return {
        "html from content in memory": html,
        "statements": len(statements),
        "bare sql": best_of_rounds(bare_sql, renders),
    }


def run(args, env, cwd=None, capture=False):
    result = subprocess.run(
        args,
        env=env,
        cwd=cwd,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout


class Baseline:
    """A git worktree of `commit` with a demo site of its own, for `measure_in_child`."""

    def __init__(self, commit, work, env):
        self.commit, self.path = commit, work / "baseline-code"
        self.env = {**env, "DATELINE_VAR_DIR": str(work / "baseline"), "PYTHONPATH": str(self.path)}
        self.skipped = None

    def __enter__(self):
        from dateline.testing.servers import DATELINE

        found = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{self.commit}^{{commit}}"],
            capture_output=True,
        )
        if found.returncode != 0:
            self.skipped = f"commit {self.commit} is not in this checkout's history"
            return self
        run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(self.path), self.commit],
            {**os.environ},
        )
        try:
            Path(self.env["DATELINE_VAR_DIR"]).mkdir()
            for args in (
                ["migrate", "--noinput"],
                ["collectstatic", "--noinput", "-v0"],
                ["load_demo", "--no-editor"],
            ):
                run([*DATELINE, *args], self.env, cwd=self.path)
        except subprocess.CalledProcessError as error:
            # Old code on today's packages may no longer start: say so, measure the rest.
            self.__exit__()
            self.skipped = f"the code at {self.commit} did not set up here ({error})"
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.path.exists():
            run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(self.path)],
                {**os.environ},
            )

    def measure(self, renders):
        if self.skipped:
            return None
        try:
            return measure_in_child("baseline", renders, self.env, self.path)
        except subprocess.CalledProcessError as error:
            self.skipped = f"the code at {self.commit} did not run here ({error})"
            return None


def measure_in_child(kind, renders, env, cwd=None):
    script = str(Path(__file__).resolve())
    out = run(
        [sys.executable, script, "--measure", kind, "--renders", str(renders)], env, cwd, True
    )
    return json.loads(out.strip().splitlines()[-1])


def best_of(kept, new):
    """Each figure's smaller value (parts too, by name)."""
    if kept is None:
        return new
    merged = {}
    for name, value in new.items():
        merged[name] = (
            best_of(kept[name], value) if isinstance(value, dict) else min(kept[name], value)
        )
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=100, help="renders per round")
    parser.add_argument(
        "--repeat", type=int, default=3, help="times each app is measured, in turn (best kept)"
    )
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        metavar="COMMIT",
        help=f"the code a cold render is compared with ({BASELINE}, issue 19's); '' for none",
    )
    parser.add_argument(
        "--measure", choices=["dateline", "starter", "baseline"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.measure:
        sys.path.insert(0, os.getcwd())
        measure = {
            "dateline": measure_dateline,
            "starter": measure_starter,
            "baseline": measure_baseline,
        }[args.measure]
        print(json.dumps(measure(args.renders)))
        return

    from dateline.testing.servers import dateline, starter_wagtail

    work = Path(tempfile.mkdtemp(prefix="dateline-render-cost-"))
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }

    dateline_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "dateline.settings",
        "DATELINE_VAR_DIR": str(work / "dateline"),
        "PAGE_CACHE": "0",
        "SECRET_KEY": "render-cost-" + "x" * 40,
        "ALLOWED_HOSTS": "localhost",
    }
    (work / "dateline").mkdir()
    dateline(dateline_env, "migrate", "--noinput")
    dateline(dateline_env, "collectstatic", "--noinput", "-v0")
    dateline(dateline_env, "load_demo", "--no-editor")

    minimal = starter_wagtail(
        work / "minimal-wagtail",
        secret_key="render-cost-minimal-" + "x" * 40,
        allowed_hosts=["localhost"],
    )

    # The two apps are measured in turn, several times, and each keeps its best:
    # this machine's speed drifts by a third within minutes, and one pair
    # measured minutes apart gave ratios from 0.39 to 0.73 for the same code.
    starter, found, before = None, None, None
    with contextlib.ExitStack() as stack:
        baseline = None
        if args.baseline:
            baseline = stack.enter_context(Baseline(args.baseline, work, dateline_env))
        for _ in range(args.repeat):
            starter = best_of(
                starter, measure_in_child("starter", args.renders, minimal.env, minimal.path)
            )
            found = best_of(found, measure_in_child("dateline", args.renders, dateline_env, ROOT))
            if baseline is not None and not baseline.skipped:
                measured = baseline.measure(args.renders)
                before = best_of(before, measured) if measured else None
    starter_ms = starter["starter page"] * 1000
    cold_ms = found["article cold"] * 1000
    warm_ms = found["article warm"] * 1000
    content_ms = found["content alone"] * 1000

    def line(label, ms, note=""):
        print(f"  {label:56} {ms:7.2f} ms  {ms / starter_ms:5.2f}x starter{note}")

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    before_ms = before["article cold"] * 1000 if before else None
    if before_ms:
        cold_ok = cold_ms <= BASELINE_TARGET_RATIO * before_ms
        cold_target = f"target <= {BASELINE_TARGET_RATIO}x the code at {args.baseline}, below"
    else:
        cold_ok = cold_ms <= COLD_TARGET_MS
        cold_target = f"target <= {COLD_TARGET_MS:.0f} ms"
    warm_ok = warm_ms <= WARM_TARGET_RATIO * starter_ms
    print(
        "Cold article render, CPU per request in one process, page cache off "
        f"(requests: best of {ROUNDS} rounds; parts: mean)"
    )
    line("Wagtail's starter page, whole request", starter_ms)
    line(
        "demo article, every cache empty",
        cold_ms,
        f"   {verdict(cold_ok)} ({cold_target})",
    )
    line("  of which its content alone, no HTML rendered", content_ms)
    for name, seconds in found["parts"].items():
        line("    " + name, seconds * 1000)
    line("  the rest: templates, middleware, the response", cold_ms - content_ms)
    not_kept_ms = found["article cold, fragments not kept"] * 1000
    html_ms = found["html from content in memory"] * 1000
    line("  keeping its fragments (against keeping none)", cold_ms - not_kept_ms)
    line("  floor: its HTML from content in memory, fragments kept", html_ms)
    line(
        f"  floor: its {found['statements']} SQL statements on the bare DB-API",
        found["bare sql"] * 1000,
    )
    line("  cold less the HTML floor (content read, middleware)", cold_ms - html_ms)
    line(
        "demo article, only its fragments warm",
        warm_ms,
        f"   {verdict(warm_ok)} (target <= {WARM_TARGET_RATIO}x starter)",
    )
    line("  saved by the fragments", cold_ms - warm_ms)
    if before_ms:
        line(f"demo article, every cache empty, the code at {args.baseline}", before_ms)
        print(
            f"  the cold render against the code at {args.baseline}: "
            f"{cold_ms / before_ms:.2f}x   {verdict(cold_ok)} (target <= {BASELINE_TARGET_RATIO}x)"
        )
        print(
            f"  the floor (HTML from content in memory, fragments kept) against it: "
            f"{html_ms / before_ms:.2f}x, before any content is read"
        )
    elif args.baseline:
        print(f"  (no baseline: {baseline.skipped})")

    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    summary = {
        "starter_page_ms": starter_ms,
        "article_cold_ms": cold_ms,
        "article_cold_pass": cold_ok,
        "article_fragments_warm_ms": warm_ms,
        "article_fragments_warm_ratio": warm_ms / starter_ms,
        "article_fragments_warm_pass": warm_ok,
        "content_alone_ms": content_ms,
        "article_cold_fragments_not_kept_ms": not_kept_ms,
        "html_from_content_in_memory_ms": html_ms,
        "bare_sql_ms": found["bare sql"] * 1000,
        "bare_sql_statements": found["statements"],
        "parts_ms": {name: seconds * 1000 for name, seconds in found["parts"].items()},
        "baseline_commit": args.baseline if before_ms else None,
        "baseline_article_cold_ms": before_ms,
        "article_cold_against_baseline": cold_ms / before_ms if before_ms else None,
    }
    (results / "render-cost.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
