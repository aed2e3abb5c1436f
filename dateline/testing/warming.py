"""A site with Redis and the worker, run for real, to watch pages being warmed.

Shared by tests/concurrency/test_warming.py and bench/warming.py.
`WarmingStack` makes a folder of its own with a private Redis, a database
(SQLite in the folder unless a PostgreSQL URL is given), the demo site (with
more stories, up to `articles` in all), and starts on request `dateline serve` and
`dateline worker`, each of a release it is told (RELEASE), and
deploy/nginx.conf in front. Editors' changes are made by `django(code)`, a
`dateline shell` of the stack, as an editor's save in the admin would.
"""

import os
import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from .migrated import migrated
from .servers import (
    DATELINE,
    ROOT,
    DatelineServer,
    Nginx,
    PrivateRedis,
    Process,
    dateline,
    front_block,
)
from .static_files import collected_static

RENDERED = re.compile(r"rendered (\S+)")


def add_articles(total):
    """Inside Django: more published stories in the demo's World section, copies
    of the summit story, the newest first, until the site has `total` articles."""
    from django.utils import timezone

    from dateline.news.models import ArticleAuthor, ArticlePage, SectionPage

    count = total - ArticlePage.objects.live().count()

    model = ArticlePage.objects.get(slug="president-heads-north-for-skarholm-summit")
    section = SectionPage.objects.get(slug="world")
    now = timezone.now()
    for number in range(count):
        article = ArticlePage(
            title=f"Northern Isles story {number}",
            slug=f"northern-isles-story-{number}",
            deck=f"What happened in the isles, part {number}.",
            dateline=model.dateline,
            body=model.body.raw_data,
            search_description=model.deck,
        )
        article.bylines = [ArticleAuthor(author=b.author) for b in model.bylines.all()]
        section.add_child(instance=article)
        article.save_revision().publish()
        when = now - timedelta(minutes=number + 1)
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=when, last_published_at=when
        )


def newest_article_paths(count):
    """Inside Django: the paths of the `count` most recently published articles."""
    from dateline.news.models import ArticlePage

    articles = ArticlePage.objects.live().order_by("-first_published_at")[:count]
    return [article.get_url_parts()[2] for article in articles]


class WarmingStack:
    def __init__(self, *, database_url=None, articles=0, page_files=True, extra_env=None):
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-warming-"))
        self.redis = PrivateRedis()
        self.processes = []
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "BASE_URL"}},
            "DJANGO_SETTINGS_MODULE": "dateline.settings",
            "DATELINE_VAR_DIR": str(self.dir / "var"),
            "DATABASE_URL": database_url or f"sqlite:///{self.dir / 'dateline.sqlite3'}",
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": "warming-stack-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "database",
            "SERVE_MEDIA": "1",
            "TRUSTED_PROXIES": "127.0.0.1",
            # Plain lines: the page cache's "rendered <path>" is what tests count.
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "INFO",
            **({"PAGE_FILES_DIR": str(self.dir / "var" / "page-files")} if page_files else {}),
            **(extra_env or {}),
        }
        try:
            migrated(self.env)
            collected_static(self.env)
            dateline(self.env, "load_demo", "--no-editor")
            if articles:
                self.django(
                    f"from dateline.testing.warming import add_articles; add_articles({articles})"
                )
        except BaseException:
            self.stop()
            raise

    def django(self, code):
        """Run Python `code` in a `dateline shell` of this stack; its output."""
        return dateline(self.env, "shell", "--command", code).stdout

    def serve(self, release="first", workers=1, **extra_env):
        server = DatelineServer(
            self.env, workers=workers, extra_env={"RELEASE": release, **extra_env}
        )
        self.processes.append(server)
        return server

    def worker(self, release="first"):
        log = self.dir / f"worker-{release}-{len(self.processes)}.log"
        process = Process(
            [*DATELINE, "worker"], log, env={**self.env, "RELEASE": release}, cwd=ROOT
        )
        self.processes.append(process)
        return process

    def front_block(self, app):
        return front_block(
            app=f"127.0.0.1:{app.port}",
            static_root=self.dir / "var" / "static",
            media_root=self.dir / "var" / "media",
            page_files_dir=self.env.get("PAGE_FILES_DIR") or self.dir / "no-page-files",
        )

    def front(self, app, **options):
        (self.dir / "no-page-files").mkdir(exist_ok=True)
        nginx = Nginx(self.dir / "nginx", self.front_block(app), **options)
        self.processes.append(nginx)
        return nginx.start()

    def stop(self):
        for process in reversed(self.processes):
            process.stop()
        self.redis.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def rendered_paths(process):
    """The paths a server or worker logged as rendered, in order."""
    return RENDERED.findall(process.process.log() if hasattr(process, "process") else process.log())
