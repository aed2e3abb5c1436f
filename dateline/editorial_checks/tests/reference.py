"""The reference article: the defects issue 9 lists, written as an article.

Each defect is re-created in new sentences around the names and years the
issue quotes; nothing else on the page is meant to be wrong.
"""

from .factories import article, figure, p, quote

# What each defect must produce: (check code, a piece of the span it names).
EXPECTED = [
    ("figure-alt-repeats-caption", "Putins Lined Up Entourage Vehicles"),
    ("name-spelling", "Putins"),
    ("fact-two-values", "2019"),
    ("title-contradiction", "former U.S. President Donald Trump"),
    ("sentence-case", "Leaders Meet For Talks"),
]


def reference_article(photo):
    return article(
        title="Leaders meet at the air base for talks on the war",
        deck="Two Leaders Meet For Talks Behind Closed Doors At A Remote Air Base",
        dateline="ANCHORAGE, Alaska",
        body=[
            p(
                "Vladimir Putin's motorcade rolled across the runway on Friday morning for "
                "what officials on both sides called the first face-to-face encounter since "
                "2018 between the two men."
            ),
            figure(
                photo,
                alt="Putins Lined Up Entourage Vehicles Parked On The Tarmac",
                caption="Putin's Lined-up Entourage Vehicles parked on the tarmac.",
                credit="Harbour Press Agency",
            ),
            p(
                "Waiting at the foot of the steps was former U.S. President Donald Trump, "
                "who greeted Putin, whom he last met in 2019, with a long handshake."
            ),
            p(
                "Asked by a reporter who would speak for his country at the talks, Trump "
                "answered: “I'm president, and I will do the talking.”"
            ),
            quote(
                "We came here to listen before we decide anything.",
                attribution="A Kremlin spokesman",
            ),
            p(
                "Hours before the meeting, Trump's Treasury Department announced a fresh "
                "round of sanctions on two oil traders."
            ),
        ],
    )
