"""The demo's `editor` account: an editor the newsroom's mail reaches.

`make run` (through `dateline load_demo`) puts it in the Editors group and gives
it an email address from EDITOR_EMAIL, or asks for one when a person is at the
terminal; a run nobody watches is never held up, and says how to set one.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from dateline.news.models import AuthorPage, SectionPage
from dateline.newsroom.tests.admin_forms import article_form, paragraph


def load_demo(monkeypatch, *, email=None, terminal=False, typed=()):
    if email is None:
        monkeypatch.delenv("EDITOR_EMAIL", raising=False)
    else:
        monkeypatch.setenv("EDITOR_EMAIL", email)
    monkeypatch.setattr("sys.stdin.isatty", lambda: terminal, raising=False)
    answers = iter(typed)

    def answer(prompt):
        if not terminal:
            raise AssertionError(f"asked {prompt!r} with nobody at the terminal")
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def no_editor_yet(demo_site):
    get_user_model().objects.filter(username="editor").delete()


def editor():
    return get_user_model().objects.get(username="editor")


def test_make_run_gives_the_editor_the_address_in_editor_email(monkeypatch, no_editor_yet):
    output = load_demo(monkeypatch, email="desk@harbourpost.example")
    account = editor()
    assert account.email == "desk@harbourpost.example"
    assert list(account.groups.values_list("name", flat=True)) == ["Editors"]
    assert "password: " in output
    assert "email address is desk@harbourpost.example" in output


def test_with_nobody_at_the_terminal_it_says_how_to_set_one(monkeypatch, no_editor_yet):
    output = load_demo(monkeypatch)  # would fail if it asked
    assert editor().email == ""
    assert "EDITOR_EMAIL=you@example.org make run" in output
    assert "/admin/account/" in output


def test_at_a_terminal_it_asks_once_and_keeps_the_answer(monkeypatch, no_editor_yet):
    load_demo(monkeypatch, terminal=True, typed=["not an address", "desk@harbourpost.example"])
    assert editor().email == "desk@harbourpost.example"
    # Run again: the address is kept, and nothing is asked.
    output = load_demo(monkeypatch, terminal=False)
    assert editor().email == "desk@harbourpost.example"
    assert "EDITOR_EMAIL" not in output and "password" not in output


def test_an_existing_editor_with_no_address_is_put_right(monkeypatch, no_editor_yet):
    get_user_model().objects.create_superuser("editor", "", "x" * 16)
    load_demo(monkeypatch, email="desk@harbourpost.example")
    account = editor()
    assert account.email == "desk@harbourpost.example"
    assert account.groups.filter(name="Editors").exists()


def test_review_requests_reach_the_demo_editor(monkeypatch, no_editor_yet, client):
    load_demo(monkeypatch, email="desk@harbourpost.example")
    reporter = get_user_model().objects.create_user("rita", "rita@example.org", "x" * 16)
    reporter.groups.add(Group.objects.get(name="Reporters"))
    client.force_login(reporter)
    world = SectionPage.objects.get(slug="world")
    mail.outbox.clear()
    client.post(
        f"/admin/pages/add/news/articlepage/{world.pk}/",
        article_form(
            title="Keepers strike",
            slug="keepers-strike",
            deck="The last six keepers want the automation plan delayed.",
            authors=[AuthorPage.objects.get(slug="tomas-okafor")],
            body=[paragraph("<p>The keepers voted on Monday.</p>")],
            **{"action-submit": "1"},
        ),
    )
    assert any("desk@harbourpost.example" in m.to for m in mail.outbox), [m.to for m in mail.outbox]
