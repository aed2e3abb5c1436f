"""Reading rendered pages the way a reader's browser would."""

from bs4 import BeautifulSoup


def parse(response):
    assert response["Content-Type"].startswith("text/html")
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element):
    return " ".join(element.get_text(" ", strip=True).split())
