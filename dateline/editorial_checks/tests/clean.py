"""Articles with nothing wrong in them: the checks must stay silent on each.

Varied on purpose: names with hyphens, accents and possessives used the same
way throughout, ages and years given once, a former office-holder called
former every time, a quotation running over two paragraphs, brackets, lists,
links to published pages and https sites, and photos described properly.
"""

from .factories import article, figure, heading, p, quote


def clean_articles(photo, published_url):
    """(name, article) pairs. `published_url` is a live page on the demo site."""
    return [
        (
            "council budget",
            article(
                "Council agrees budget after a night of amendments",
                "Libraries stay open on Saturdays, paid for by a rise in parking charges.",
                [
                    p(
                        "The city council approved its budget for next year at 2 a.m. on "
                        "Wednesday, after councillors tabled 43 amendments and accepted 11."
                    ),
                    figure(
                        photo,
                        alt="Councillors seated around a horseshoe table under bright lights.",
                        caption="The debate in the council chamber ran for nine hours.",
                    ),
                    p(
                        "Council leader Anna Berg-Olsen said the compromise kept every "
                        "branch library open. Berg-Olsen's deputy, Paul Reyes, called it "
                        "“the least bad option on the table”."
                    ),
                    p(
                        "Parking will cost 20 cents more an hour in the centre (the first "
                        "rise since 2016), raising an estimated 1.2 million a year."
                    ),
                ],
                dateline="NORRVIK",
            ),
        ),
        (
            "football final",
            article(
                "Harbour Town win the cup with a late header",
                "A corner in the 89th minute settled a final that neither side had "
                "controlled for long.",
                [
                    p(
                        "Harbour Town beat Westmark Rovers 2-1 in the cup final on Sunday, "
                        "their first trophy since 1998."
                    ),
                    p(
                        "Defender Luca Moretti, 34, rose above two markers to meet a corner "
                        "from the left. It was Moretti's first goal of the season."
                    ),
                    figure(
                        photo,
                        alt="A player in a white shirt heads the ball above two defenders.",
                        caption="Luca Moretti scores the winner in the 89th minute.",
                        credit="Coastal Sports Images",
                    ),
                    quote(
                        "I have waited twenty years to hear a crowd like that.",
                        attribution="Luca Moretti",
                    ),
                ],
            ),
        ),
        (
            "science survey",
            article(
                "Seabird colonies recover on the outer islands",
                "Counts of puffins and guillemots rose for a third year running, the "
                "ornithologists' survey found.",
                [
                    p(
                        "Volunteers counted 12,400 breeding pairs of puffins on the outer "
                        "islands this summer, up from 9,800 three years ago."
                    ),
                    heading("Rats removed, birds returned"),
                    p(
                        "The recovery began after rats were cleared from the two largest "
                        "islands in a project run by Dr. Sofia Ekström of the island "
                        "university. Ekström's team checks the burrows every June."
                    ),
                    figure(
                        photo,
                        alt="Two puffins with beaks full of small silver fish on a grassy cliff.",
                        caption="Puffins return to the burrows with sand eels for their chicks.",
                        credit="Sofia Ekström / Island University",
                    ),
                    p(
                        'The full survey is published on <a href="https://example.org/seabirds">'
                        "the university's website</a>."
                    ),
                ],
            ),
        ),
        (
            "obituary",
            article(
                "Jean-Luc Moreau, harbour master for three decades, dies at 81",
                "He guided the port through two storms that flooded the old town and "
                "refused every offer to retire.",
                [
                    p(
                        "Jean-Luc Moreau, who ran the harbour at South Harbour from 1979 to "
                        "2010, died on Monday. He was 81."
                    ),
                    p(
                        "Born in Brest in 1944, Moreau came to the islands as a deckhand and "
                        "stayed. Colleagues remember Jean-Luc for his habit of greeting every "
                        "boat by name."
                    ),
                    p(
                        "“He knew the tides better than the tables did,” said Ingrid Vass, "
                        "who succeeded him. “Nobody ever needed to ask him twice.”"
                    ),
                ],
                dateline="SOUTH HARBOUR",
            ),
        ),
        (
            "former minister",
            article(
                "Former minister joins the fisheries inquiry",
                "Karin Holm, who left government in 2021, will chair the hearings on the "
                "northern banks.",
                [
                    p(
                        "Former finance minister Karin Holm has been appointed to chair the "
                        "public inquiry into the management of the northern banks."
                    ),
                    p(
                        "Holm, a former minister in two coalitions, said she would call "
                        "scientists before politicians. The inquiry will report by March."
                    ),
                    p(
                        "Prime Minister Aron Halden welcomed the appointment in a short "
                        "statement on Tuesday."
                    ),
                    p(f'See our <a href="{published_url}">earlier report on the summit</a>.'),
                ],
            ),
        ),
        (
            "business results",
            article(
                "Ferry operator reports its first profit in five years",
                "More passengers and cheaper fuel turned last year's loss into a small "
                "surplus, the company said.",
                [
                    p(
                        "Northern Isles Ferries made a profit of 3.4 million in the year to "
                        "June, against a loss of 1.1 million a year earlier."
                    ),
                    p(
                        "Chief executive Maja Lindqvist credited the new timetable, which "
                        "added a late sailing on Fridays. The company carried 612,000 "
                        "passengers, 8% more than the year before."
                    ),
                    figure(
                        photo,
                        alt="A white ferry with a red funnel leaving a small harbour.",
                        caption="The late Friday sailing was added in March.",
                        credit="Northern Isles Ferries",
                    ),
                ],
            ),
        ),
        (
            "long quotation",
            article(
                "Fishermen describe a season of empty nets",
                "Three skippers from Norrvik tell us why they are selling their boats.",
                [
                    p("Erik Dahl has fished out of Norrvik for thirty-one years."),
                    p(
                        "“When I started, we would fill the hold in two days. Now we come "
                        "back after a week with half of that."
                    ),
                    p(
                        "“My son was meant to take over the boat. I have told him to find "
                        "something else.”"
                    ),
                    p(
                        "Dahl's neighbour, Henrik Sand, sold his trawler in May. Sand now "
                        "drives a delivery van on the ring road."
                    ),
                ],
                dateline="NORRVIK",
            ),
        ),
        (
            "culture review",
            article(
                "A quiet, brilliant staging of the island ballads",
                "The National Theatre's new production trusts its singers and very little "
                "else, and it works.",
                [
                    p(
                        "There is no set to speak of in the new production of the island "
                        "ballads at the National Theatre: a bench, a lamp and a painted sea."
                    ),
                    p(
                        "Director Lena Aalto has cut the running time to 95 minutes (there "
                        "is no interval) and given the ballads back to the voices."
                    ),
                    figure(
                        photo,
                        alt="A singer in a grey coat standing alone in a pool of lamplight.",
                        caption="Mira Solberg opens the evening with the oldest of the ballads.",
                        credit="National Theatre / Per Eng",
                    ),
                    p("Until 14 March. Tickets from the box office or by phone."),
                ],
            ),
        ),
        (
            "weather",
            article(
                "Storm warning for the western coast on Thursday",
                "Gusts of up to 120 kilometres an hour are expected from midday; ferries "
                "may be cancelled.",
                [
                    p(
                        "The weather office has issued an amber warning for the western "
                        "coast from noon on Thursday until 6 a.m. on Friday."
                    ),
                    p("Forecasters advise people on the coast to:"),
                    {
                        "type": "paragraph",
                        "value": "<ul><li>secure bins and garden furniture;</li>"
                        "<li>avoid the sea front at high tide;</li>"
                        "<li>check sailings before travelling.</li></ul>",
                    },
                    p(
                        "The last storm of this strength, in January 2020, closed the "
                        "causeway for two days."
                    ),
                ],
            ),
        ),
        (
            "court",
            article(
                "Trawler captain fined for fishing in closed waters",
                "The court heard that the boat's tracker was switched off for eleven hours "
                "in October.",
                [
                    p(
                        "A trawler captain from Westmark was fined 40,000 on Monday for "
                        "fishing inside the closed zone on the northern banks."
                    ),
                    p(
                        "Captain Olav Brekke, 52, admitted the offence. His lawyer said "
                        "Brekke had misread the chart in bad weather [a claim the "
                        "prosecution did not dispute]."
                    ),
                    p(
                        "Judge Ruth Mbeki said the fine reflected the size of the catch, "
                        "about nine tonnes of cod."
                    ),
                    figure(
                        photo,
                        alt="A blue trawler tied up at a quay, nets piled on its deck.",
                        caption="The trawler was held at Norrvik for three days.",
                        credit="Harbour Press Agency",
                    ),
                ],
            ),
        ),
        (
            "accented names",
            article(
                "Chess champion keeps her title in a tense final",
                "Zoë Lefèvre drew the last game with black to win the island championship "
                "for the third time.",
                [
                    p(
                        "Zoë Lefèvre needed only a draw in the final round, and she got one "
                        "after five hours against the young Óskar Þórsson."
                    ),
                    p(
                        "Lefèvre's opening surprised Þórsson, who spent forty minutes on his "
                        "twelfth move. “I had not seen that idea before,” he said."
                    ),
                    p(
                        'Games from the tournament can be replayed on <a href="https://'
                        "chess.example.com/finals\">the federation's site</a>."
                    ),
                ],
            ),
        ),
        (
            "explainer with years",
            article(
                "How the causeway changed the island",
                "Before 1962 the only way across was a ferry that ran twice a day, weather "
                "permitting.",
                [
                    p(
                        "The causeway opened in 1962, after seven years of building. "
                        "Before it, the island's 2,000 residents relied on a ferry."
                    ),
                    heading("Traffic since the opening"),
                    p(
                        "About 4,500 vehicles cross on an average day. The road was widened "
                        "in 1988 and again in 2015."
                    ),
                    figure(
                        photo,
                        alt="A long, low road across shallow water, with cars in both directions.",
                        caption="The causeway at low tide, looking towards the mainland.",
                        credit="Island Archive",
                    ),
                ],
            ),
        ),
    ]
