"""Where an uncached article render's time goes, against Wagtail's starter page.

    .venv/bin/python bench/render_cost.py [--renders N]

Case 4 of `bench/run.py` measures the uncached article through the server.
This takes the server and the network out: CPU time per request in one
process (Django's test client), each app on its own throwaway SQLite
database in a temporary folder, as in the embedded run, for
- Wagtail's starter page (`wagtail start`), the issue's yardstick;
- the demo article, whole;
- the demo article's content alone: every query and parse its page needs,
  timed one by one, without rendering any HTML.
Case 4's target is about 1.5 times the starter page's requests/s, so on the
same cores a whole article has a budget of the starter page's CPU divided by
1.5; the table shows each figure against it. A whole request is the best of
several rounds, which is what the code costs once the machine's noise is out;
the parts are means over as many calls, so noise can only make them larger.
The query counts in the part names are the demo article's (the routing and
page-budget tests hold them). Writes bench/results/render-cost.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "/world/president-heads-north-for-skarholm-summit/"
TARGET_SPEED_UP = 1.5  # the issue: case 4 at about 1.5x the minimal Wagtail page
ROUNDS = 5


def best_of_rounds(step, renders):
    """CPU seconds per call of `step`, the best round's mean."""
    for _ in range(20):  # warm: templates compiled, memos filled
        step()
    best = None
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(renders):
            step()
        mean = (time.process_time() - started) / renders
        best = mean if best is None else min(best, mean)
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


def measure_dateline(renders):
    import django

    django.setup()
    from django.db.models import prefetch_related_objects
    from django.test import RequestFactory

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
        # What the article view reads, in the order it reads it, one part at a time.
        started = time.process_time()
        request = factory.get(ARTICLE)
        site, _menu = sites.memo.remembered(request)
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

    whole = best_of_rounds(whole_request(ARTICLE), renders)
    content_alone()
    # Parts: the mean over every round, warm-up excluded.
    calls = ROUNDS * renders
    for _ in range(20):
        content_alone()
    parts.clear()
    for _ in range(calls):
        content_alone()
    return {
        "article": whole,
        "content alone": sum(parts.values()) / calls,
        "parts": {name: seconds / calls for name, seconds in parts.items()},
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


def measure_in_child(kind, renders, env, cwd=None):
    script = str(Path(__file__).resolve())
    out = run(
        [sys.executable, script, "--measure", kind, "--renders", str(renders)], env, cwd, True
    )
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=100, help="renders per round")
    parser.add_argument("--measure", choices=["dateline", "starter"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        sys.path.insert(0, os.getcwd())
        measure = measure_dateline if args.measure == "dateline" else measure_starter
        print(json.dumps(measure(args.renders)))
        return

    work = Path(tempfile.mkdtemp(prefix="dateline-render-cost-"))
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    bin_dir = Path(sys.executable).parent

    dateline_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "dateline.settings",
        "DATELINE_VAR_DIR": str(work / "dateline"),
        "PAGE_CACHE": "0",
        "SECRET_KEY": "render-cost-" + "x" * 40,
        "ALLOWED_HOSTS": "localhost",
    }
    (work / "dateline").mkdir()
    dateline = str(bin_dir / "dateline")
    run([dateline, "migrate", "--noinput"], dateline_env)
    run([dateline, "collectstatic", "--noinput", "-v0"], dateline_env)
    run([dateline, "load_demo", "--no-editor"], dateline_env)

    project = work / "minimal-wagtail"
    project.mkdir()
    run([str(bin_dir / "wagtail"), "start", "minimal", str(project)], base_env)
    (project / "minimal" / "settings" / "local.py").write_text(
        'SECRET_KEY = "render-cost-minimal-' + "x" * 40 + '"\nALLOWED_HOSTS = ["localhost"]\n'
    )
    starter_env = {**base_env, "DJANGO_SETTINGS_MODULE": "minimal.settings.production"}
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
        run([sys.executable, "manage.py", *command], starter_env, cwd=project)

    starter = measure_in_child("starter", args.renders, starter_env, cwd=project)
    found = measure_in_child("dateline", args.renders, dateline_env, cwd=ROOT)
    starter_ms = starter["starter page"] * 1000
    budget_ms = starter_ms / TARGET_SPEED_UP
    article_ms = found["article"] * 1000
    content_ms = found["content alone"] * 1000

    def line(label, ms, note=""):
        print(f"  {label:52} {ms:7.2f} ms  {ms / budget_ms:5.2f}x budget{note}")

    print(
        f"Uncached render cost, CPU per request in one process "
        f"(requests: best of {ROUNDS} rounds; parts: mean)"
    )
    line("Wagtail's starter page, whole request", starter_ms)
    line(f"budget for case 4 (starter page / {TARGET_SPEED_UP})", budget_ms)
    line("Dateline's demo article, whole request", article_ms)
    line("  of which its content alone, no HTML rendered", content_ms)
    for name, seconds in found["parts"].items():
        line("    " + name, seconds * 1000)
    line("  the rest: templates, middleware, the response", article_ms - content_ms)

    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    summary = {
        "starter_page_ms": starter_ms,
        "budget_ms": budget_ms,
        "article_ms": article_ms,
        "content_alone_ms": content_ms,
        "parts_ms": {name: seconds * 1000 for name, seconds in found["parts"].items()},
    }
    (results / "render-cost.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
