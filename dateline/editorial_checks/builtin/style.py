"""Style: lengths, sentence case, house-style words, spaces, quotes and brackets."""

import re

from ..base import Check, Severity, registry

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’\-]*")
# Short words a sentence-case headline never capitalises.
FUNCTION_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "are",
    "of", "on", "or", "the", "to", "up", "with", "was", "were", "be", "its", "it",
}  # fmt: skip
SENTENCE_END = re.compile(r"[.!?:;…]\s*$|[“\"‘(]$")


def is_acronym(word):
    return len(word) > 1 and word.isupper()


def proper_nouns(article):
    """Words the copy capitalises mid-sentence: names, which sentence case keeps."""
    names = set()
    for text in article.texts_of("paragraph", "quote", "caption", "heading"):
        for match in WORD.finditer(text.text):
            word = match.group()
            before = text.text[: match.start()].rstrip()
            if word[0].isupper() and before and not SENTENCE_END.search(before):
                names.add(word.casefold())
    return names


@registry.register
class HeadlineLength(Check):
    code = "headline-length"
    title = "Headline length"
    group = "style"

    def run(self, article):
        style = article.style
        yield from length_findings(
            self, article.texts_of("headline"), style.headline_min_length, style.headline_max_length
        )


@registry.register
class DeckLength(Check):
    code = "deck-length"
    title = "Deck length"
    group = "style"

    def run(self, article):
        style = article.style
        yield from length_findings(
            self, article.texts_of("deck"), style.deck_min_length, style.deck_max_length
        )


def length_findings(check, texts, shortest, longest):
    for text in texts:
        length = len(text.text.strip())
        name = text.location.label
        if length > longest:
            yield check.finding(
                text.location,
                text.text[longest:],
                f"The {name.lower()} is {length} characters; the house limit is {longest}.",
                suggestion=f"Cut {length - longest} characters.",
                start=longest,
            )
        elif length < shortest:
            yield check.finding(
                text.location,
                text.text,
                f"The {name.lower()} is {length} characters; it needs at least {shortest}.",
            )


@registry.register
class SentenceCase(Check):
    code = "sentence-case"
    title = "Headline and deck in sentence case"
    group = "style"

    def run(self, article):
        names = None
        for text in article.texts_of("headline", "deck", "heading"):
            words = [m.group() for m in WORD.finditer(text.text)][1:]
            capitalised = [w for w in words if w[0].isupper() and not is_acronym(w)]
            if len(capitalised) < 3:
                continue
            if names is None:
                names = proper_nouns(article)
            # Names keep their capitals; what is left should be lower case.
            common = [w for w in words if w.casefold() not in names]
            wrong = [w for w in common if w[0].isupper() and not is_acronym(w)]
            if len(wrong) >= 3 and len(wrong) * 2 >= len(common):
                fixed = text.text
                for word in set(wrong):
                    fixed = re.sub(rf"(?<!^)\b{re.escape(word)}\b", word.lower(), fixed)
                yield self.finding(
                    text.location,
                    text.text,
                    "House style is sentence case: capitalise only the first word and names "
                    f"({', '.join(wrong[:5])} should be lower case).",
                    suggestion=fixed,
                )


@registry.register
class HouseStyleWords(Check):
    code = "house-style-words"
    title = "Banned or house-style words"
    group = "style"

    def run(self, article):
        rules = article.style.house_style_rules
        for text in article.reading_texts:
            for pattern, word, replacement in rules:
                for match in pattern.finditer(text.text):
                    if replacement:
                        rule = f"House style: write “{replacement}”, not “{word}”."
                    else:
                        rule = f"House style: “{word}” is on the banned list."
                    yield self.finding(
                        text.location,
                        match.group(),
                        rule,
                        suggestion=replacement,
                        start=match.start(),
                    )


@registry.register
class DoubleSpaces(Check):
    code = "double-space"
    title = "Double spaces"
    group = "style"
    severity = Severity.INFO

    def run(self, article):
        for text in article.texts:
            for match in re.finditer(r"(?<=\S)[ \u00a0]{2,}(?=\S)", text.text):
                context = text.text[max(0, match.start() - 15) : match.end() + 15]
                yield self.finding(
                    text.location,
                    context,
                    "Two spaces where one belongs.",
                    suggestion=" ".join(context.split()),
                    start=match.start(),
                )


@registry.register
class QuoteStyle(Check):
    code = "quote-style"
    title = "Straight and curly quotes mixed"
    group = "style"
    severity = Severity.INFO

    def run(self, article):
        texts = article.reading_texts
        if article.style.quote_style == article.style.CURLY:
            for text in texts:
                for match in re.finditer(r'"', text.text):
                    yield self.finding(
                        text.location,
                        context_of(text.text, match.start()),
                        'House style uses curly quotes (“ ”), not straight ones (").',
                        suggestion="“…”",
                        start=match.start(),
                    )
        else:
            for text in texts:
                for match in re.finditer(r"[“”]", text.text):
                    yield self.finding(
                        text.location,
                        context_of(text.text, match.start()),
                        'House style uses straight quotes ("), not curly ones.',
                        suggestion='"',
                        start=match.start(),
                    )
        # Apostrophes may be either, but one article uses one kind.
        straight = [(t, m) for t in texts for m in re.finditer(r"(?<=\w)'(?=\w)", t.text)]
        curly = [(t, m) for t in texts for m in re.finditer(r"(?<=\w)’(?=\w)", t.text)]
        if straight and curly:
            minority, wanted = (straight, "’") if len(straight) < len(curly) else (curly, "'")
            for text, match in minority:
                yield self.finding(
                    text.location,
                    context_of(text.text, match.start()),
                    "Straight and curly apostrophes are mixed in this article.",
                    suggestion=f"Use {wanted} throughout.",
                    start=match.start(),
                )


def context_of(text, position, width=20):
    return text[max(0, position - width) : position + width].strip()


PAIRS = [("“", "”"), ("(", ")"), ("[", "]")]


@registry.register
class UnbalancedMarks(Check):
    code = "unbalanced-quotes"
    title = "Unbalanced quotes or brackets"
    group = "style"

    def run(self, article):
        texts = article.reading_texts
        for index, text in enumerate(texts):
            following = texts[index + 1].text.lstrip() if index + 1 < len(texts) else ""
            for opening, closing in PAIRS:
                depth, first_unclosed = 0, None
                for position, char in enumerate(text.text):
                    if char == opening:
                        depth += 1
                        first_unclosed = position if depth == 1 else first_unclosed
                    elif char == closing:
                        if depth == 0:
                            yield self.unbalanced(text, position, closing, opening)
                        else:
                            depth -= 1
                # A quotation running over paragraphs opens each one and closes
                # only the last: an open quote before a paragraph that opens
                # another is the convention, not a mistake.
                continued = opening == "“" and following.startswith("“")
                if depth and not continued:
                    yield self.unbalanced(text, first_unclosed, opening, closing)
            if text.text.count('"') % 2:
                yield self.unbalanced(text, text.text.index('"'), '"', '"')

    def unbalanced(self, text, position, found, missing):
        return self.finding(
            text.location,
            context_of(text.text, position),
            f"“{found}” has no matching “{missing}”.",
            suggestion=f"Add the missing {missing} or remove this {found}.",
            start=position,
        )
