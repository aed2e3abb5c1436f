"""Consistency: one name spelled one way, one fact with one value, one title per person."""

import re
from collections import defaultdict

from anyascii import anyascii

from ..base import Check, registry

NAME_TOKEN = re.compile(r"(?<![\w'’])[A-Z][A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
# A hyphenated word whose later parts are in lower case ("Lined-up", "Long-term",
# "Well-known") is a compound word capitalised where a sentence or a title
# begins, not a name: a name keeps its capitals in every part ("Jean-Pierre").
COMPOUND_WORD = re.compile(r"^[A-Z][^-]*(?:-[a-z][^-]*)+$")


def name_key(name):
    """A spelling-blind key: "Jean-Pierre", "Jean Pierre" and "Jéan Pierre" agree.

    Transliteration (anyascii, German ue/oe/ae) and doubled letters are folded,
    the latter only in longer names so that "Ann" and "An" stay apart.
    """
    key = re.sub(r"[^a-z]", "", anyascii(name).casefold())
    if len(key) >= 6:
        key = re.sub(r"([aou])e", r"\1", key)
        key = re.sub(r"(.)\1+", r"\1", key)
    return key


class Spelling:
    def __init__(self, text, match, base, possessive):
        self.text, self.match, self.base, self.possessive = text, match, base, possessive


def spellings(article):
    """Every capitalised word (and pair of words) on the page, by name key."""
    found = defaultdict(list)
    for text in article.texts:
        tokens = [t for t in NAME_TOKEN.finditer(text.text) if not COMPOUND_WORD.match(t.group())]
        for token in tokens:
            base = POSSESSIVE.sub("", token.group())
            if len(base) >= 2:
                found[name_key(base)].append(Spelling(text, token, base, base != token.group()))
        # Adjacent pairs, so "Jean Pierre" meets "Jean-Pierre".
        for first, second in zip(tokens, tokens[1:], strict=False):
            if text.text[first.end() : second.start()] == " " and "-" not in first.group():
                base = first.group() + " " + POSSESSIVE.sub("", second.group())
                span = text.text[first.start() : second.end()]
                found[name_key(base)].append(
                    Spelling(text, _Span(span, first.start()), base, base != span)
                )
    return found


class _Span:
    def __init__(self, text, start):
        self._text, self._start = text, start

    def group(self):
        return self._text

    def start(self):
        return self._start


@registry.register
class NameSpelledTwoWays(Check):
    code = "name-spelling"
    title = "The same name spelled differently"
    group = "consistency"

    def run(self, article):
        found = spellings(article)
        for key, uses in found.items():
            forms = defaultdict(list)
            for use in uses:
                forms[use.base.casefold()].append(use)
            # A possessive without its apostrophe: "Putins" beside "Putin's".
            if len(key) >= 4 and key.endswith("s") and key[:-1] in found:
                owners = [use for use in found[key[:-1]] if use.possessive]
                bare = [use for use in uses if not use.possessive and "'" not in use.base]
                if owners and bare:
                    yield from self.report(bare, owners[0].match.group())
            if len(forms) < 2:
                continue
            ranked = sorted(forms.values(), key=len, reverse=True)
            usual = ranked[0][0].base
            for minority in ranked[1:]:
                yield from self.report(minority, usual)

    def report(self, uses, usual):
        for use in uses:
            yield self.finding(
                use.text.location,
                use.match.group(),
                f"“{use.match.group()}” is spelled “{usual}” elsewhere on the page.",
                suggestion=usual,
                start=use.match.start(),
            )


YEAR = r"((?:1[89]|20)\d\d)"
CLAUSE = r"[^.!?;]"
# Each relation: ways the copy states it, each capturing the value.
RELATIONS = {
    "when they last met": [
        rf"\b(?:first|last)\b{CLAUSE}{{0,60}}?\b(?:meeting|encounter|talks|summit|visit)\b"
        rf"{CLAUSE}{{0,40}}?\bsince\s+{YEAR}",
        rf"\blast\s+(?:met|meeting|spoke|talked|sat down)\b{CLAUSE}{{0,40}}?\bin\s+{YEAR}",
        rf"\b(?:had|have|has)(?:\s+not|n['’]t)\s+met\b{CLAUSE}{{0,40}}?\bsince\s+{YEAR}",
    ],
    "how many people died": [
        r"\b(\d[\d,]*)\s+(?:people\s+)?(?:were|have been|had been)\s+killed\b",
        r"\bdeath toll\b" + CLAUSE + r"{0,30}?\b(\d[\d,]*)\b",
        r"\bkilling\s+(\d[\d,]*)\b",
    ],
}
RELATION_PATTERNS = {
    relation: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for relation, patterns in RELATIONS.items()
}
AGE = [
    re.compile(r"\b(?P<name>[A-Z][\w'’-]+),\s+(?P<value>\d{1,3}),"),
    re.compile(r"\b(?P<value>\d{1,3})-year-old\s+(?:[A-Z][\w'’-]+\s+)*(?P<name>[A-Z][\w'’-]+)"),
]


@registry.register
class OneFactTwoValues(Check):
    code = "fact-two-values"
    title = "The same fact given two values"
    group = "consistency"

    def run(self, article):
        stated = defaultdict(list)
        for text in article.reading_texts:
            for relation, patterns in RELATION_PATTERNS.items():
                for pattern in patterns:
                    for match in pattern.finditer(text.text):
                        value = match.group(1).replace(",", "")
                        stated[relation].append((value, text, match))
            for pattern in AGE:
                for match in pattern.finditer(text.text):
                    relation = f"how old {POSSESSIVE.sub('', match.group('name'))} is"
                    stated[relation].append((match.group("value"), text, match))
        for relation, statements in stated.items():
            values = {value for value, _, _ in statements}
            if len(values) < 2:
                continue
            first_value, first_text, first_match = statements[0]
            for value, text, match in statements[1:]:
                if value == first_value:
                    continue
                yield self.finding(
                    text.location,
                    match.group(0),
                    f"The page gives two values for {relation}: {first_value} "
                    f"(“{first_match.group(0)}”) and {value}.",
                    suggestion="Check which is right and use it in both places.",
                    start=match.start(),
                    related=[(first_text.location, first_match.group(0))],
                )


TITLE = (
    r"(?P<title>(?i:president|prime minister|chancellor|governor|senator|mayor|"
    r"secretary of state|minister|king|queen|chief executive|chair(?:man|woman)?))"
)
PERSON = r"(?P<person>(?:[A-Z][\w.'’-]*\s+){0,2}[A-Z][\w'’-]+)"
FORMER_MENTIONS = [
    re.compile(rf"\b(?i:former|ex-)\s*(?:[A-Z][\w.]*\s+){{0,2}}?{TITLE}\s+{PERSON}"),
    re.compile(rf"{PERSON},\s+(?:the|a)\s+former\s+(?:[A-Z][\w.]*\s+)?{TITLE}\b"),
]
CURRENT_MENTIONS = [
    re.compile(rf"(?<![Ff]ormer )(?<!ex-)(?<![A-Z]\. ){TITLE}\s+{PERSON}"),
]
# "Trump's Treasury Department": a government is one's own only while in office.
GOVERNMENT = [
    re.compile(rf"{PERSON}\s+(?:administration|government|cabinet)\b"),
    re.compile(
        rf"{PERSON}['’]s\s+(?:[A-Z]\w+\s+)?(?:Department|Ministry|administration|"
        r"government|cabinet|Cabinet|Administration|White House)\b"
    ),
]
# Someone claiming an office now: "I'm president", "I am the prime minister",
# "As prime minister, I will…" (an "as …, I" followed by the present or the
# future; "As prime minister, I signed the treaty" looks back and claims nothing).
NOW = r"(?:['’]m|['’]ll|\s+(?:am|will|shall|have|intend|promise|want|can|must|need|say|tell))\b"
FIRST_PERSON = [
    re.compile(rf"\bI(?:['’]m|\s+am)\s+(?:the\s+)?{TITLE}\b"),
    re.compile(rf"\b(?i:as)\s+(?:the\s+)?{TITLE}\s*,?\s+I{NOW}"),
]


def surname(person):
    return name_key(POSSESSIVE.sub("", person.split()[-1]))


@registry.register
class TitleContradiction(Check):
    code = "title-contradiction"
    title = "A person's title contradicts itself"
    group = "consistency"

    def run(self, article):
        former, current = defaultdict(list), defaultdict(list)
        first_person = []
        for text in article.reading_texts:
            for pattern in FORMER_MENTIONS:
                for match in pattern.finditer(text.text):
                    former[surname(match.group("person"))].append((text, match))
            former_spans = {
                (id(t), m.start("person")) for people in former.values() for t, m in people
            }
            for match in CURRENT_MENTIONS[0].finditer(text.text):
                before = text.text[max(0, match.start() - 20) : match.start()].lower()
                if "former" in before or (id(text), match.start("person")) in former_spans:
                    continue
                current[surname(match.group("person"))].append((text, match))
            for pattern in GOVERNMENT:
                for match in pattern.finditer(text.text):
                    current[surname(match.group("person"))].append((text, match))
            for pattern in FIRST_PERSON:
                first_person.extend((text, m) for m in pattern.finditer(text.text))
        # "I'm president" said by the one former office-holder the story names.
        if len(former) == 1 and first_person:
            (only,) = former
            current[only].extend(first_person)
        for name, mentions in former.items():
            contradictions = current.get(name, [])
            if not contradictions:
                continue
            text, match = mentions[0]
            yield self.finding(
                text.location,
                match.group(0),
                "Called a former office-holder here, but treated as the serving one "
                "elsewhere: " + "; ".join(f"“{m.group(0)}”" for _, m in contradictions[:3]) + ".",
                suggestion="Check the person's title today and make every mention agree.",
                start=match.start(),
                related=[(t.location, m.group(0)) for t, m in contradictions],
            )
