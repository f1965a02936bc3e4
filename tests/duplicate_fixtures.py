"""Articles written for the duplicate-article and index tests, and the shapes scrapers give them.

Each article is a list of paragraphs; the helpers render one as a clean file,
hard-wrapped with words hyphenated across lines, with boilerplate around it,
truncated, or as a JSONL record.
"""

from __future__ import annotations

import json
import textwrap

DREDGING = [
    "Harbour Board Approves Dredging Levy After Long Night Debate",
    "The harbour board of Kelsby voted late on Tuesday to charge every moored vessel a seasonal dredging "
    "levy, ending eighteen months of argument over who should pay to keep the channel open for the ferry.",
    "Under the plan, owners of boats longer than eight metres will pay a flat fee each spring, while the "
    "fishing cooperative will contribute a share of its landing charges to a fund held by the board.",
    "Silt carried down the Wend after the wet winters has narrowed the main channel to a single lane at low "
    "water, and the ferry operator warned in March that it could not keep its timetable without dredging.",
    "Board chair Imogen Takahashi said the levy was the least painful of the options on the table and that "
    "the fund would be audited every year by an accountant chosen by the harbour users themselves.",
    "Several yacht owners objected that the fee falls hardest on small pleasure craft that rarely leave "
    "their moorings, and one member of the board voted against the proposal for that reason.",
    "The first dredger is expected to arrive in early autumn, once the breeding season of the terns on the "
    "sandbar has ended, and the work should take about six weeks if the weather holds.",
    "The board will publish the full schedule of charges on its notice board and website before the end of "
    "the month, and a public meeting on the details is planned for the first week of June.",
]

TELESCOPE = [
    "Mountain Observatory Opens Its New Solar Telescope to Students",
    "A solar telescope that took seven years to build was opened on Friday at the Haldor Peak observatory, "
    "where it will spend half of its observing time on projects proposed by university students.",
    "The instrument uses a mirror of one and a half metres cooled by a closed water loop, which keeps the "
    "air inside the dome from shimmering when the sun heats the structure during long summer days.",
    "Engineers spent most of last winter aligning the adaptive optics, a set of small deformable mirrors "
    "that correct the blurring caused by turbulence in the atmosphere hundreds of times every second.",
    "Director Paulo Brandvold said the first images of sunspot groups were sharper than the team had hoped, "
    "showing fine threads of magnetised gas that earlier instruments at the site could not resolve.",
    "Students from four universities have already booked observing runs for the autumn, most of them aimed "
    "at measuring how quickly bright points on the surface appear and fade during quiet periods.",
    "The observatory road will stay closed to private cars during the opening weeks, and visitors are asked "
    "to use the shuttle bus that leaves the valley station every hour from nine in the morning.",
]

ORCHARD = [
    "Late Frost Leaves Apple Growers Counting Their Losses",
    "Two nights of hard frost at the end of April have damaged the blossom in most of the apple orchards "
    "along the Trennel valley, and growers expect the harvest to be far smaller than last year.",
    "Temperatures fell to four degrees below zero shortly before dawn, just as the early varieties were in "
    "full flower, and the fruit set on the lower slopes has been almost entirely lost.",
    "Some farms ran sprinklers through the night so that a coat of ice would shield the flowers, a method "
    "that works only when there is enough water and the wind stays calm until sunrise.",
    "The growers' cooperative said it would ask the regional government for help with the cost of the "
    "lost crop, and that it was too early to say whether the cider press would open this autumn.",
    "Beekeepers who rent their hives to the orchards each spring said their colonies came through the cold "
    "well, although the bees had little to forage on in the days that followed the frost.",
    "Growers on the higher terraces, where cold air drains away down the slope, reported much less damage, "
    "and several said their late varieties had not yet opened when the frost arrived.",
]

# Two different articles about one event that quote the same statement.
FLOOD_QUOTE = ("\"We have asked everyone living below the old mill bridge to leave their homes tonight, and we "
               "will not lift that order until the engineers tell us the embankment is safe,\" Mayor Ruth Okonjo said.")
FLOOD_EVACUATION = [
    "Families Leave Riverside Streets as the Asker Keeps Rising",
    "Hundreds of residents of Dunmere packed cars and vans on Sunday evening as the river Asker rose past the "
    "level reached in the floods of nineteen years ago and water began to seep through the embankment.",
    FLOOD_QUOTE,
    "The town's sports hall was turned into a shelter with camp beds, and volunteers from the rowing club "
    "ferried elderly residents from the lowest houses in flat-bottomed boats borrowed from the marina.",
    "Police closed the two road bridges in the centre of town, leaving the railway viaduct as the only way "
    "across the valley, and trains were slowed to walking pace while engineers inspected its piers.",
    "Forecasters expect the rain to ease by Tuesday, but the river is not likely to fall quickly because "
    "the reservoirs upstream are full and must release water to protect their own dams.",
]
FLOOD_INSURANCE = [
    "Shopkeepers Face a Long Wait for Flood Payouts",
    "Traders on the high street of Dunmere began the slow work of listing damaged stock on Wednesday, while "
    "insurers warned that assessors may not reach every claim for several weeks.",
    FLOOD_QUOTE,
    "That order, given on Sunday night, was lifted three days later, and most shop owners were able to see "
    "their premises for the first time since the water came over the doorsteps of the lower street.",
    "A bakery owner said her ovens and flour stores were ruined and that she had been told her policy did "
    "not cover water that entered through the drains rather than over the embankment.",
    "The chamber of commerce has asked the council to waive business rates for the rest of the year and "
    "to open a fund for small traders whose insurance will not pay out in full or at all.",
]

# Two different articles that share one wire-service paragraph.
WIRE_PARAGRAPH = ("The company said the plant would employ about four hundred people when it reaches full "
                  "production in two years, and that most of the jobs would be filled from the surrounding region, "
                  "according to a statement released on Monday morning.")
PLANT_LOCAL = [
    "Battery Plant Brings Hope to the Old Steel Town of Varrow",
    "For a town that lost its steelworks a generation ago, the news that a battery maker will build its "
    "first factory on the old slag heaps was greeted with cautious relief in the pubs and cafes.",
    WIRE_PARAGRAPH,
    "Local councillors said the site had been cleaned up with public money over the past decade, and that "
    "the roads and power lines laid for the steelworks made it cheaper to build there than elsewhere.",
    "Not everyone is convinced: the residents' association wants guarantees about noise from the night "
    "shifts and about the heavy lorries that will pass the primary school on the main road.",
]
PLANT_BUSINESS = [
    "Battery Maker Picks Varrow for First Factory, Shares Rise",
    "Shares in the battery maker rose nearly six percent after it confirmed the location of its first "
    "factory, ending months of speculation among investors about a choice between three regions.",
    WIRE_PARAGRAPH,
    "Analysts said the decision reflected generous grants from the regional development agency and the "
    "low price of land, although some questioned whether the company could secure enough raw materials.",
    "The firm has raised money from two pension funds this year and plans to start a second production "
    "line only if orders from carmakers reach the level it promised in its last annual report.",
]

BOILERPLATE_TOP = [
    "Reading this without ads?",
    "We removed every advertisement from our pages last spring. Keeping it that way costs us a great deal "
    "each month, and readers like you cover most of it.",
    "Chip in today",
]
BOILERPLATE_BOTTOM = [
    "Before you go: independent reporting depends on readers. If you value what you read here, please give "
    "what you can each month; it takes a minute and makes a real difference to our newsroom.",
    "Remind me next week",
]


def clean(paragraphs: list[str], headline: bool = True) -> str:
    """The article as a clean file: headline, then one paragraph per block."""
    body = paragraphs if headline else paragraphs[1:]
    return "\n\n".join(body) + "\n"


def markdown(paragraphs: list[str], title: str, date: str = "2022-05-04") -> str:
    """The article body under YAML front matter (the headline moves into `title`)."""
    return f"---\ntitle: {title}\ndate: {date}\n---\n" + "\n\n".join(paragraphs[1:]) + "\n"


def wrapped(paragraphs: list[str], width: int = 74) -> str:
    """Hard-wrapped at `width`, with long words hyphenated across line breaks, no headline, promos between."""
    blocks = []
    for number, paragraph in enumerate(paragraphs[1:]):
        lines = textwrap.wrap(paragraph, width=width, break_long_words=False)
        # split a long word at the start of a line across the break with a hyphen, like a PDF does
        for index in range(1, len(lines)):
            word, _, rest = lines[index].partition(" ")
            if len(word) >= 6 and word.isalpha() and word.islower():
                cut = len(word) // 2
                lines[index - 1] += f" {word[:cut]}-"
                lines[index] = f"{word[cut:]} {rest}".rstrip()
        blocks.append("\n".join(lines))
        if number == 1:
            blocks.append("Related article: Council Publishes Its Budget for Next Year")
        if number == 3:
            blocks.append("https://news.example.org/2031/01/02/council-budget\nhttps://news.example.org/2031/01/03/ferry")
    return "\n\n".join(blocks) + "\n"


def with_boilerplate(paragraphs: list[str]) -> str:
    """The page as a scraper keeps it: a donation appeal above and below the article."""
    return "\n\n".join(BOILERPLATE_TOP + paragraphs + BOILERPLATE_BOTTOM) + "\n"


def curly(text: str) -> str:
    """Straight quotes and apostrophes turned typographic."""
    out, opening = [], True
    for char in text:
        if char == '"':
            out.append("\u201c" if opening else "\u201d")
            opening = not opening
        elif char == "'":
            out.append("\u2019")
        else:
            out.append(char)
    return "".join(out)


def truncated(paragraphs: list[str], keep: int) -> str:
    """Only the headline and the first `keep` body paragraphs, with a "continue reading" stub."""
    return "\n\n".join(paragraphs[: keep + 1] + ["Continue reading on our website."]) + "\n"


def jsonl(records: list[tuple[str, str]]) -> str:
    """JSONL lines with `id` and `text`."""
    return "".join(json.dumps({"id": record_id, "text": text}) + "\n" for record_id, text in records)
