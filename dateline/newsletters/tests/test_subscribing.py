"""A reader signs up, confirms, changes their mind and leaves: the pages, the mail, the rows."""

import pytest

from dateline.news.tests.html import parse, text
from dateline.newsletters.models import ConsentRecord, Subscriber, Subscription
from dateline.newsletters.views import SUBSCRIBED_ANSWER

from .conftest import body_text, links

ARTICLE = "/world/president-heads-north-for-skarholm-summit/"


@pytest.fixture
def subscribe(client, newsletter, django_capture_on_commit_callbacks):
    """Post the sign-up form as a page of this site would (mail sent after the commit)."""

    def _post(email, newsletters=None, source=ARTICLE, json=False, **extra):
        data = {
            "email": email,
            "newsletters": newsletters or [newsletter.pk],
            "source": source,
            "website": "",
        }
        headers = {"HTTP_ORIGIN": "http://testserver"}
        if json:
            headers["HTTP_ACCEPT"] = "application/json"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletters/subscribe/", {**data, **extra}, **headers)

    return _post


def confirmation_link(sink, address):
    [message] = sink.inbox.to(address)
    return next(link for link in links(body_text(message)) if "/newsletters/confirm/" in link)


def local(url):
    return "/" + url.split("/", 3)[3]


def test_the_form_stands_after_the_article_before_leave_a_reply(client, newsletter):
    page = parse(client.get(ARTICLE))
    html = str(page)
    body, form, reply = (
        html.index('class="article-body"'),
        html.index('class="newsletter-signup"'),
        html.index("Leave a Reply"),
    )
    assert body < form < reply
    signup = page.select_one(".newsletter-signup")
    assert "Morning Briefing" in text(signup)
    # World feeds the Morning Briefing: ticked beside a World story.
    assert signup.select_one(f"input[value='{newsletter.pk}']").has_attr("checked")
    assert signup.select_one("form")["action"] == "/newsletters/subscribe/"
    front = parse(client.get("/"))
    assert front.select_one(".newsletter-signup form")


def test_the_list_page_shows_every_newsletter_with_description_and_schedule(client, newsletter):
    from dateline.newsletters.models import Newsletter

    Newsletter.objects.create(
        name="Weekend Reads",
        slug="weekend",
        description="Long stories for slow mornings.",
        schedule="Saturdays",
        sender_name="Dateline",
        sender_email="weekend@news.example.org",
    )
    page = parse(client.get("/newsletters/"))
    items = [text(li) for li in page.select(".newsletter-list li")]
    assert items == [
        "Morning Briefing The day's essential stories before breakfast. Weekdays at 7:00",
        "Weekend Reads Long stories for slow mornings. Saturdays",
    ]
    assert len(page.select(".newsletter-signup input[name=newsletters]")) == 2


def test_pages_with_the_form_carry_nothing_of_one_reader(client, newsletter):
    for path in (ARTICLE, "/", "/newsletters/"):
        first = client.get(path)
        client.cookies.clear()
        second = client.get(path)
        assert first.content == second.content
        assert "csrfmiddlewaretoken" not in first.content.decode()
        assert not first.cookies


def test_double_opt_in_from_an_article(client, sink, subscribe, newsletter):
    answer = subscribe("Ada@Example.org")
    assert SUBSCRIBED_ANSWER in text(parse(answer))
    assert "no-store" in answer["Cache-Control"]
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ada@example.org" and subscriber.confirmed_at is None
    requested = ConsentRecord.objects.get()
    assert requested.action == "requested"
    assert requested.source_url == "http://testserver" + ARTICLE
    assert requested.newsletters == [{"id": newsletter.pk, "name": "Morning Briefing"}]
    assert "Email me the newsletters I ticked" in requested.wording
    assert requested.wording in parse(client.get(ARTICLE)).select_one(".newsletter-consent").text

    [message] = sink.inbox.to("ada@example.org")
    assert message["Subject"] == "Confirm your Dateline newsletters"
    assert message["Message-ID"].endswith("@news.example.org>")
    link = local(confirmation_link(sink, "ada@example.org"))

    # Opening the link (as a mail scanner would) confirms nothing.
    page = parse(client.get(link))
    assert page.select_one("main form button").text.startswith("Yes, send me")
    assert Subscription.objects.get().state == "pending"
    done = client.post(link, {"newsletters": [newsletter.pk]}, HTTP_ORIGIN="http://testserver")
    assert "ada@example.org will get Morning Briefing" in text(parse(done))
    assert Subscription.objects.get().state == "active"
    assert [r.action for r in ConsentRecord.objects.all()] == ["requested", "confirmed"]
    assert sink.inbox.count == 1  # nothing else went to the address


def test_the_answer_is_the_same_whoever_the_address_belongs_to(sink, subscribe, readers):
    readers(1)  # reader0@example.com is already confirmed
    answers = {
        address: subscribe(address, json=True).json()
        for address in ("reader0@example.com", "new@example.com", "NEW@example.com")
    }
    assert len({str(a) for a in answers.values()}) == 1
    assert answers["new@example.com"] == {"ok": True, "message": SUBSCRIBED_ANSWER}
    # The confirmed reader gets nothing new; the new address one link only.
    assert sink.inbox.to("reader0@example.com") == []
    assert len(sink.inbox.to("new@example.com")) == 1


def test_repeated_sign_ups_do_not_flood_an_inbox(sink, subscribe, settings):
    settings.NEWSLETTERS_RATE_LIMITS = {
        "newsletter_ip": [[100, 3600]],
        "newsletter_mailbox": [[3, 86400]],
    }
    for _ in range(6):
        subscribe("victim@example.com")
    assert len(sink.inbox.to("victim@example.com")) == 1
    for n in range(6):  # the same inbox under +tags
        subscribe(f"victim+{n}@example.com")
    tagged = [a for a in sink.inbox.per_recipient if a.startswith("victim+")]
    assert len(tagged) <= 2  # three attempts per inbox a day, one of them already used


def test_sign_ups_per_client_are_limited_too(sink, subscribe, settings):
    settings.NEWSLETTERS_RATE_LIMITS = {
        "newsletter_ip": [[3, 3600]],
        "newsletter_mailbox": [[100, 86400]],
    }
    for n in range(6):
        assert subscribe(f"someone{n}@example.com").status_code == 200
    assert sink.inbox.count == 3


def test_preferences_by_the_link_in_every_email(client, sink, issue, readers, newsletter):
    from dateline.newsletters.models import Newsletter

    weekend = Newsletter.objects.create(
        name="Weekend Reads",
        slug="weekend",
        description="Long stories.",
        schedule="Saturdays",
        sender_name="Dateline",
        sender_email="weekend@news.example.org",
    )
    readers(1)
    from dateline.newsletters.tasks import send_test

    send_test.call(issue.pk, "reader0@example.com")
    [message] = sink.inbox.to("reader0@example.com")
    prefs = next(link for link in links(body_text(message)) if "/preferences/" in link)
    assert "preview" not in prefs
    from dateline.newsletters.tokens import preferences_token

    subscriber = Subscriber.objects.get(email="reader0@example.com")
    path = f"/newsletters/preferences/{preferences_token(subscriber.pk)}/"
    page = parse(client.get(path))
    ticked = {i["value"] for i in page.select("input[name=newsletters][checked]")}
    assert ticked == {str(newsletter.pk)}
    client.post(path, {"newsletters": [weekend.pk], "paused": "1"}, HTTP_ORIGIN="http://testserver")
    subscriber.refresh_from_db()
    states = dict(subscriber.subscriptions.values_list("newsletter__slug", "state"))
    assert states == {"morning-briefing": "left", "weekend": "active"}
    assert subscriber.paused
    left = client.post(path, {"action": "leave_all"}, HTTP_ORIGIN="http://testserver")
    assert "unsubscribed from every newsletter" in text(parse(left))
    assert set(subscriber.subscriptions.values_list("state", flat=True)) == {"left"}
    assert client.get("/newsletters/preferences/1:forged/").status_code == 400


def test_one_click_unsubscribe_per_rfc_8058(client, sink, issue, readers):
    from dateline.newsletters import delivery
    from dateline.newsletters.models import Send

    readers(2)
    send = Send.objects.create(issue=issue)
    while delivery.worker_job():
        pass
    message = sink.inbox.to("reader1@example.com")[0]
    https = str(message["List-Unsubscribe"]).split(",")[0].strip(" <>")
    path = local(https)

    # A GET (a link scanner, a preview) only asks.
    asked = parse(client.get(path))
    assert asked.select_one("main form button").text == "Unsubscribe"
    assert Subscription.objects.filter(state="active").count() == 2

    # The mail provider's POST: no cookies, no CSRF token, no Origin; no redirect.
    client.cookies.clear()
    answer = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert "You are unsubscribed from Morning Briefing" in text(parse(answer))
    left = Subscription.objects.get(subscriber__email="reader1@example.com")
    assert left.state == "left" and left.left_after == send
    assert send.counts()["unsubscribed"] == 1
    assert client.post("/newsletters/unsubscribe/1.1.1:forged/").status_code == 400


def test_get_or_erase_your_data_covers_subscriptions(
    client, sink, subscribe, django_capture_on_commit_callbacks
):
    subscribe("ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comments/my-data/", {"email": "ada@example.org"})
    data_mail = [
        m for m in sink.inbox.to("ada@example.org") if "/comments/my-data/" in body_text(m)
    ]
    link = local(next(u for u in links(body_text(data_mail[0])) if "/my-data/" in u))
    overview = text(parse(client.get(link)))
    assert "Newsletter subscriptions and consent records: 2 records" in overview
    export = client.get(link + "?format=json").json()
    assert export["newsletters"]["subscriptions"][0]["newsletter"] == "Morning Briefing"
    assert export["newsletters"]["consent"][0]["page"].endswith(ARTICLE)
    client.post(link)
    assert not Subscriber.objects.exists() and not ConsentRecord.objects.exists()
