"""Names a commenter may not post under: the site's roles and its staff,
and anything made to look like them.

Two names are the same here when a reader could not tell them apart: case,
spacing and punctuation aside, and after Unicode's confusable characters
(Cyrillic "А" for Latin "A", "rn" for "m", "0" for "O") are mapped to one
prototype with the confusables data of `confusable-homoglyphs` (Unicode's
confusables.txt, UTS #39), accents dropped. Invisible characters never reach
this point (text.clean_name removes them).
"""

import functools
import unicodedata

import regex
from confusable_homoglyphs.confusables import confusables_data
from django.conf import settings
from django.contrib.auth import get_user_model

from dateline.news.models import AuthorPage

WORDS = regex.compile(r"[\p{L}\p{N}]+")
# "TheEditor", "SiteAdmin": a capital after a small letter starts a word.
CAMEL_HUMP = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
# Marks that confusables.txt puts around right-to-left characters.
DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")
ROLE_REFUSED = (
    "Please choose another name: names that could be taken for a role at {site} "
    "(such as “{role}”) are kept for the newsroom."
)
STAFF_REFUSED = (
    "Please choose another name: this one could be taken for a member of {site}'s staff."
)


@functools.cache
def _prototype(char):
    """The character (or characters) `char` is confusable with, per UTS #39.

    The data lists, for a character with one prototype, that prototype; for a
    prototype, every character confusable with it. Two characters listing
    only each other are one pair, and either may stand for both.
    """
    entries = confusables_data.get(char)
    if not entries or len(entries) != 1:
        return char
    target = entries[0]["c"].translate(DIRECTION_MARKS)
    back = confusables_data.get(target, [])
    if len(back) == 1 and back[0]["c"].translate(DIRECTION_MARKS) == char:
        return min(char, target)
    return target


def _skeleton(text):
    text = unicodedata.normalize("NFD", text)
    text = "".join(_prototype(char) for char in text)
    text = unicodedata.normalize("NFD", text)
    return "".join(char for char in text if not unicodedata.category(char).startswith("M"))


def folded(name):
    """The words of `name` as a reader sees them, twice: read in small letters
    and in capitals, since some lookalikes exist in one case only (capital I
    and small l)."""
    name = CAMEL_HUMP.sub(" ", unicodedata.normalize("NFKC", name))
    return tuple(
        tuple(WORDS.findall(_skeleton(variant).casefold()))
        for variant in (name.casefold(), name.upper())
    )


def _contains(name_words, phrase_words):
    """Whether consecutive words of the name, run together, spell the phrase:
    "Site Admin", "A d m i n" and "TheEditor" all contain "admin" or "the editor"."""
    target = "".join(phrase_words)
    if not target:
        return False
    for start in range(len(name_words)):
        run = ""
        for word in name_words[start:]:
            run += word
            if run == target:
                return True
            if len(run) >= len(target):
                break
    return False


def _same(a, b):
    return any("".join(x) and "".join(x) == "".join(y) for x, y in zip(a, b, strict=True))


def staff_names():
    """Display names of everyone with admin access, and the authors' pages."""
    names = set()
    users = get_user_model().objects.filter(is_staff=True)
    for first, last, username in users.values_list("first_name", "last_name", "username"):
        names.update({f"{first} {last}".strip(), username})
    names.update(AuthorPage.objects.values_list("title", flat=True))
    return {name for name in names if name}


def own_names(user):
    if not (user is not None and user.is_authenticated and user.is_staff):
        return set()
    return {user.get_full_name().strip(), user.get_username()} - {""}


def impersonation(name, roles, user=None):
    """Why `name` may not be used by this commenter, or "" if it may.
    `roles` is the policy's reserved_names; the site's own name is added to it."""
    site = settings.WAGTAIL_SITE_NAME
    mine = [folded(own) for own in own_names(user)]
    candidate = folded(name)
    if any(_same(candidate, own) for own in mine):
        return ""
    for role in (*roles, site):
        role_words = folded(role)
        if any(_contains(n, r) for n, r in zip(candidate, role_words, strict=True)):
            return ROLE_REFUSED.format(site=site, role=role.title())
    for staff in staff_names():
        if _same(candidate, folded(staff)):
            return STAFF_REFUSED.format(site=site)
    return ""
