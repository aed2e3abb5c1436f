"""The demo newsroom: a fictional island republic, its neighbour, and a summit.

Every name, place and event here is invented for the demo.
"""

SECTIONS = [
    ("World", "world", "Reporting from capitals, coasts and borders."),
    ("Politics", "politics", "Parliaments, parties and the people who vote for them."),
    ("Science", "science", "Research, climate and the natural world."),
]

AUTHORS = [
    (
        "Maria Lund",
        "maria-lund",
        "Chief correspondent",
        "Maria Lund covers diplomacy and the northern coast. She has reported from "
        "fourteen summits and still prefers the ferry to the plane.",
    ),
    (
        "Tomas Okafor",
        "tomas-okafor",
        "Political reporter",
        "Tomas Okafor writes about parliament, elections and public money.",
    ),
]

# Each scene is drawn by dateline.demo.images; "alt" is the description a
# screen reader hears, "caption" what every reader sees under the photo.
SCENES = {
    "motorcade": {
        "title": "Motorcade on the coast road",
        "alt": "A line of dark cars with blue lights driving along a coastal road beside grey sea.",
        "caption": "The president's convoy leaves the capital for the naval base at Skarholm.",
        "credit": "Maria Lund / Dateline",
    },
    "roadblock": {
        "title": "Police roadblock",
        "alt": "Police officers in yellow vests stand beside barriers across an empty road.",
        "caption": "Police closed the coast road for four hours before the convoy passed.",
        "credit": "Maria Lund / Dateline",
    },
    "limousine": {
        "title": "Armoured car at the quay",
        "alt": "A long black car parked on a quay, a grey warship moored behind it.",
        "caption": "The armoured car arrived at the quay shortly after noon.",
        "credit": "Harbour Press Agency",
    },
    "parliament": {
        "title": "Parliament at dusk",
        "alt": "A low stone parliament building with lit windows under an evening sky.",
        "caption": "Parliament sat late to debate the fisheries bill.",
        "credit": "Tomas Okafor / Dateline",
    },
    "kelp": {
        "title": "Kelp forest survey",
        "alt": "Tall strands of green kelp rising from a rocky seabed toward the light.",
        "caption": "Divers counted kelp stands along forty transects this summer.",
        "credit": "Coastal Ecology Institute",
    },
}


def p(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def figure(scene):
    return {"type": "figure", "value": {"scene": scene}}


ARTICLES = [
    {
        "section": "world",
        "slug": "president-heads-north-for-skarholm-summit",
        "title": "President Varga heads north for the Skarholm fisheries summit",
        "deck": "The first face-to-face meeting with Prime Minister Halden in six years "
        "could decide who fishes the northern banks.",
        "dateline": "SKARHOLM, Northern Isles",
        "authors": ["maria-lund"],
        "tags": ["Skarholm summit", "Fisheries", "Diplomacy"],
        "lead_scene": "motorcade",
        "hours_ago": 3,
        "body": [
            p(
                "President Ilse Varga left the capital before dawn on Thursday in a convoy "
                "of some thirty cars, bound for the naval base at Skarholm, where she will "
                "meet Prime Minister Aron Halden of the neighbouring Westmark republic "
                "on Friday. The road north was closed to other traffic for most of the "
                "morning."
            ),
            figure("motorcade"),
            p(
                "It will be the first time the two leaders have sat in the same room since "
                "the <em>Ferryport talks</em> collapsed six years ago. Officials on both "
                "sides say the agenda has one item: the northern banks, whose cod and "
                "herring stocks each country claims and neither has managed to protect."
            ),
            p(
                "Varga proposed the meeting in a letter in June. Halden accepted in August, "
                "but told reporters in Westmark this week that he would "
                "“walk out after the first hour” if the island republic arrived without a "
                "quota offer."
            ),
            {
                "type": "heading",
                "value": {"text": "A road closed for four hours", "level": "h2"},
            },
            p(
                "Police sealed the coast road from the ring road to the base at six in the "
                "morning. Residents of the villages along the way were told to stay "
                "indoors; a few gathered at the harbour in Norrvik with hand-painted signs "
                "asking for the fishing fleet to be heard."
            ),
            figure("roadblock"),
            p(
                "The summit is the first test of the coalition Varga formed in the spring. "
                "Her junior partner, the Coastal League, has said it will leave the "
                "government if any agreement cuts the island's quota by more than a tenth."
            ),
            {
                "type": "quote",
                "value": {
                    "text": "We are not going to Skarholm to sign away the banks. "
                    "We are going to stop them emptying.",
                    "attribution": "Ilse Varga, speaking to reporters on Wednesday",
                },
            },
            p(
                "The base itself, a Cold War listening post turned training centre, sits "
                "on a spit of land that can be reached by a single causeway. Neither "
                "leader is expected to visit the town."
            ),
            figure("limousine"),
            p(
                "According to the president's office, the two leaders will first meet "
                "alone with interpreters, then join their fisheries ministers for a "
                "working lunch. A joint statement is expected, if at all, late on Friday."
            ),
            p(
                'Read our explainer on <a href="/world/what-is-at-stake-on-the-northern-banks/">'
                "what is at stake on the northern banks</a>."
            ),
        ],
    },
    {
        "section": "world",
        "slug": "what-is-at-stake-on-the-northern-banks",
        "title": "What is at stake on the northern banks",
        "deck": "Two countries, one shrinking fishery and a line on the map that both "
        "sides drew differently.",
        "dateline": "NORRVIK, Northern Isles",
        "authors": ["maria-lund", "tomas-okafor"],
        "tags": ["Fisheries", "Explainer"],
        "lead_scene": "kelp",
        "hours_ago": 26,
        "body": [
            p(
                "The northern banks are a stretch of shallow sea about the size of a small "
                "county, where cold and warm currents meet. For two centuries they have fed "
                "fleets from both the Northern Isles and Westmark."
            ),
            {"type": "heading", "value": {"text": "Where the line runs", "level": "h2"}},
            p(
                "Each country measures its waters from a different set of headlands. The "
                "result is a wedge of sea, roughly 1,900 square kilometres, that both "
                "claim. Boats from each side fish it; patrol ships from each side chase the "
                "other's boats out of it."
            ),
            p("The main points of dispute are:"),
            {
                "type": "paragraph",
                "value": "<ul><li>the baseline each country uses for its waters;</li>"
                "<li>how the annual quota is split;</li>"
                "<li>who inspects catches landed in the other's ports.</li></ul>",
            },
            figure("kelp"),
            p(
                "Scientists at the Coastal Ecology Institute say the cod stock has halved "
                "in ten years. Without a shared quota, they warn, there may be nothing "
                "left to divide."
            ),
        ],
    },
    {
        "section": "politics",
        "slug": "parliament-passes-fisheries-bill-after-late-sitting",
        "title": "Parliament passes fisheries bill after late sitting",
        "deck": "The bill gives the fisheries minister power to close the banks for a "
        "season without a vote.",
        "dateline": "",
        "authors": ["tomas-okafor"],
        "tags": ["Fisheries", "Parliament"],
        "lead_scene": "parliament",
        "hours_ago": 50,
        "body": [
            p(
                "Parliament passed the fisheries bill by 61 votes to 48 shortly before "
                "midnight on Tuesday, after a debate that ran six hours over time."
            ),
            figure("parliament"),
            p(
                "The opposition called the emergency closure power “a blank cheque”. The "
                "minister said it would be used only on the advice of the institute's "
                "scientists, and only for one season at a time."
            ),
        ],
    },
    {
        "section": "science",
        "slug": "kelp-forests-are-coming-back-survey-finds",
        "title": "Kelp forests are coming back, survey finds",
        "deck": "Divers counted more kelp along the southern coast than at any time "
        "since records began.",
        "dateline": "SOUTH HARBOUR",
        "authors": ["maria-lund"],
        "tags": ["Climate", "Oceans"],
        "lead_scene": "kelp",
        "hours_ago": 75,
        "body": [
            p(
                "The summer survey of the southern kelp beds found stands on 31 of 40 "
                "transects, up from 19 five years ago. Researchers credit a ban on "
                "dredging and the return of sea otters to two bays."
            ),
            p(
                "“It is the best news we have had from the coast in a decade,” said the "
                "institute's lead diver."
            ),
        ],
    },
]
