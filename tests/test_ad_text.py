"""ad-text (QC101): boilerplate blocks left from the web page, found by their shape, not only by phrases."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from qualitycheck.boilerplate import shipped_lists
from qualitycheck.cli import main
from qualitycheck.phrases import PhraseMatcher


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(capsys, report_validator, *args: str) -> tuple[int, list[dict]]:
    """Run `qualitycheck check --format json` and return the exit code and the ad-text findings."""
    code = main(["check", "--format", "json", "--no-cache", "--select", "ad-text", *args])
    report = report_validator(json.loads(capsys.readouterr().out))
    return code, [f for f in report["findings"] if f["rule"] == "ad-text"]


def spans(findings: list[dict]) -> list[tuple]:
    return [(f["path"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in findings]


CONCERT_HALL = """\
We use cookies to give you the best experience on our site.
Manage choices
Accept and close

Riverside orchestra opens its new hall with a sold-out Mahler night

The Riverside Philharmonic played its first concert in the converted tram depot on Friday, five years after the city council agreed to pay for the building and two years later than planned.

"The sound is warmer than we dared to hope," the orchestra's principal cellist, Mira Hollis, said after the performance. "You can hear the basses from the back row."

The hall seats 1,400 people and cost 48 million euros, about a third more than the original budget. The council said the overrun came from the acoustic ceiling, which had to be rebuilt after a test concert in March.

Share this article
Facebook
Email
Copy link

The morning briefing: everything happening in the city, before your first coffee.
Sign up free
"""


def test_cookie_banner_and_share_buttons_are_one_finding_each_with_exact_spans(capsys, report_validator):
    write("concert-hall.txt", CONCERT_HALL)
    code, found = run(capsys, report_validator)
    assert code == 1
    assert spans(found) == [("concert-hall.txt", 1, 1, 3, 17), ("concert-hall.txt", 13, 1, 19, 13)]
    assert found[0]["message"].startswith("cookie banner left from the web page (3 lines): ")
    assert found[0]["excerpt"].splitlines()[0] == "We use cookies to give you the best experience on our site."
    assert "(6 lines)" in found[1]["message"]
    assert found[1]["severity"] == "warning" and found[1]["code"] == "QC101"


TRAPS = """\
---
title: Bakery owners rally neighbours to save the corner shop
date: 2023-03-14
---
# Bakery owners rally neighbours to save the corner shop

The owners of the Linden Street bakery asked residents on Tuesday to support a plan to keep the shop open after their landlord doubled the rent. More than 300 people signed a petition within a day.

"Please come in, buy a loaf, and tell your friends," said Hanna Berg, who has run the bakery with her brother since 2009. "Every customer counts for us right now."

Support for the shop has come from unexpected places. The football club's supporters' trust said it would subscribe to a weekly bread order for its volunteers.

## What the shop sells

- Rye loaves, baked at 4 a.m.
- Cinnamon buns, $3 each
- Oat cookies, sold by weight

Advertisement revenue from the neighbourhood newsletter, which the Bergs also publish, covers the cost of the delivery bike. Readers can download the newsletter's archive from the library's website, the council said.

Shares in the landlord's parent company fell 4% after the story spread on social media, according to market data.

"Stay home if the queue is too long and we will deliver," the mayor urged residents in a video message.

You can find the bakery at 12 Linden Street. It opens at 7 a.m. every day except Monday.
"""


def test_story_sentences_with_trigger_words_and_quoted_appeals_are_not_flagged(capsys, report_validator):
    write("bakery.md", TRAPS)
    assert run(capsys, report_validator) == (0, [])


def test_a_listed_phrase_inside_a_long_third_person_sentence_is_the_story(capsys, report_validator):
    write("privacy.md", """\
        Regulator fines retailer over consent pop-up

        Shoppers who did not accept all cookies on the retailer's site were shown fewer discounts than those who did, the data protection office found after a two-year inquiry into the chain's web shop.

        ## Subscriptions

        The chain has 40,000 paying members of its loyalty scheme, which costs £3 a month.
        """)
    assert run(capsys, report_validator) == (0, [])


PAYWALL_AND_AD = """\
Ferry operator cuts winter crossings to the outer islands

The island ferry company will run two crossings a day instead of four between November and March, it said on Monday, blaming fuel costs and falling passenger numbers.

Advertisement

Islanders said the cut would make it hard to reach the hospital on the mainland for early appointments. The last boat back will leave at 4 p.m.

You have 2 free articles left this month.
Subscribe for $1 a week. Cancel anytime.
Already a subscriber? Log in

The company said it would review the timetable in spring.
"""


def test_single_label_line_and_paywall_block_between_paragraphs(capsys, report_validator):
    write("ferry.txt", PAYWALL_AND_AD)
    _, found = run(capsys, report_validator)
    assert spans(found) == [("ferry.txt", 5, 1, 5, 14), ("ferry.txt", 9, 1, 11, 29)]
    assert found[0]["message"] == 'advertisement left from the web page (1 line): button label "Advertisement"'
    assert found[1]["message"].startswith("paywall prompt left from the web page (3 lines): ")


def test_an_html_comment_line_is_not_part_of_a_block(capsys, report_validator):
    write("bakery.md", """\
        ---
        title: Bakery reopens after fire
        ---
        The bakery on Mill Lane reopened on Saturday, eight months after a fire gutted its kitchen, its owner said.

        <!-- Editors: keep this box until the fund drive ends -->
        Enjoyed this piece? Chip in from $2 a week.
        Support local reporting today.

        Queues stretched past the post office before the doors opened at seven, according to neighbours.
        """)
    _, found = run(capsys, report_validator)
    assert spans(found) == [("bakery.md", 7, 1, 8, 31)]


NO_LISTED_PHRASE = """\
Found this useful?
We answer to readers, not to owners. Back us with $4 a month.
Maybe not

Library extends opening hours during exam season

The central library will stay open until midnight from May 2 to June 20, the city's culture department said, after students complained that study rooms were full by mid-morning.
"""


def test_block_without_any_listed_phrase_is_found_by_its_shape(capsys, report_validator):
    block = "\n".join(NO_LISTED_PHRASE.splitlines()[:3])
    data = shipped_lists()
    matcher = PhraseMatcher([(p, None) for entries in data["phrases"].values() for p in entries]
                            + [(p, None) for entries in data["labels"].values() for p in entries])
    assert [m.phrase for m in matcher.find(block)] == []  # the block holds no listed phrase or label
    write("library.txt", NO_LISTED_PHRASE)
    _, found = run(capsys, report_validator)
    assert spans(found) == [("library.txt", 1, 1, 3, 10)]
    message = found[0]["message"]
    assert message.startswith("donation appeal left from the web page (3 lines): ")
    assert message == ('donation appeal left from the web page (3 lines): speaks to the reader ("We", "us"); '
                       'calls to action ("Back us"); asks for money ("$4"); no one is quoted or cited')


SIGN_OFF = """\
The ferry company will add a second evening crossing to the island from May, the harbour board confirmed on Monday after a winter of complaints about queues at the pier.

Valued our coverage of the ferry row? We rely on readers, not billionaires.
Give what you can this month to fund the next investigation.
Each euro keeps harbour reporting alive.

The board expects the new crossing to carry about 300 passengers a night, according to the operator.

Support independent local news. Become a member from $3 a month.

Funded by the regional council, the ramp opened in March.

Tickets for the evening crossing will cost the same as the day fares, the operator said in a statement.

Support independent local news. Become a member from $3 a month.
Funded by the regional council, the ramp opened in March.
Work on the second pier starts in the autumn and should take
eighteen months, the operator said.
"""


def test_a_sign_off_line_under_an_appeal_belongs_to_its_block(capsys, report_validator):
    write("ferry.txt", SIGN_OFF)
    _, found = run(capsys, report_validator)
    # Line 5 has only a word about the site ("reporting"), but sits right under the appeal and ends its
    # paragraph. Lines 11 and 16 have one too ("funded"); line 11 is a paragraph of its own below a blank
    # line, and line 16 is followed by more lines of its paragraph: the story, not a sign-off.
    assert spans(found) == [("ferry.txt", 3, 1, 5, 41), ("ferry.txt", 9, 1, 9, 65), ("ferry.txt", 15, 1, 15, 65)]
    assert found[0]["message"].startswith("donation appeal left from the web page (3 lines): ")


WRAPPED_NEWSLETTER = """\
Open this email in your browser

Good evening. Tonight: the new tram line, and why the bridge is closed
again. We have been asking the transport office about both for weeks and
you will find their answers below.

The tram line to the university will open on September 4, the transport
office said, three months later than planned because of a shortage of
drivers.

You are receiving this because you subscribed at the Weekly Ledger.
Change your settings or unsubscribe
"""


def test_prices_in_a_story_about_prices_are_not_an_appeal(capsys, report_validator):
    write("streaming.txt", """\
        Streaming service raises prices again

        Subscribers will pay $12.99 a month from June.

        The company said the increase would pay for new series, the second rise in a year.
        """)
    assert run(capsys, report_validator) == (0, [])


def test_hard_wrapped_prose_is_story_even_with_you_and_we(capsys, report_validator):
    write("digest.txt", WRAPPED_NEWSLETTER)
    _, found = run(capsys, report_validator)
    assert spans(found) == [("digest.txt", 1, 1, 1, 32), ("digest.txt", 11, 1, 12, 36)]


VERSE_AND_LIST = """\
Choir sings forgotten harvest hymns

Singers in the parish of Oldham Fell revived four hymns last heard in the 1930s at Sunday's service, after a retired organist found the scores in the vestry.

The last verse of the second hymn was sung twice at the congregation's request:

Give thanks for the rain, give thanks for the grain,
share out the bread and share it again,
sing to the hills and sing to the sea,
join us in singing, for all are free.

The choir plans to record the hymns this autumn.

How to take part:
- Bring a copy of the hymn book
- Join the rehearsal on Thursday at 7 p.m.
- Tell the choir master which part you sing
"""


def test_verse_and_service_lists_are_not_boilerplate(capsys, report_validator):
    write("choir.txt", VERSE_AND_LIST)
    assert run(capsys, report_validator) == (0, [])


def _site(folder: str, count: int) -> None:
    for number in range(count):
        write(f"{folder}/story-{number}.txt", f"""\
            Harbour story number {number} about boats and tides

            The harbour master reported {number + 3} new moorings on the east quay this week, the port authority said in its monthly bulletin.

            Tidewater Courier — news from the estuary since 1921
            """)


def test_a_line_that_recurs_in_many_articles_is_site_template(capsys, report_validator):
    _site("site", 5)
    _, found = run(capsys, report_validator, "site")
    assert [(f["path"], f["line"], f["end_line"]) for f in found] == [
        (f"site/story-{n}.txt", 5, 5) for n in range(5)]
    assert found[0]["message"] == ("site boilerplate left from the web page (1 line): the same line is in 4 other "
                                   "articles (site template)")


def test_findings_are_the_same_when_one_file_is_checked_with_the_rest_as_context(capsys, report_validator):
    _site("site", 6)
    write("rules.yaml", "include: ['site/**']\n")
    _, everything = run(capsys, report_validator)
    _, one = run(capsys, report_validator, "site/story-2.txt")
    assert [f for f in everything if f["path"] == "site/story-2.txt"] == one
    assert len(one) == 1


def test_recurrence_below_the_threshold_or_turned_off_is_not_template(capsys, report_validator):
    _site("site", 4)
    assert run(capsys, report_validator, "site") == (0, [])
    _site("site", 6)
    write("rules.yaml", "rules:\n  ad-text:\n    options:\n      template-min-documents: 0\n")
    assert run(capsys, report_validator, "site") == (0, [])


def test_extra_phrases_and_labels_extend_and_labels_replace_the_shipped_list(capsys, report_validator):
    write("ferry.txt", "Tip the crew jar\n\n" + PAYWALL_AND_AD)
    write("rules.yaml", "rules:\n  ad-text:\n    options:\n      extra-phrases: [crew jar]\n      labels: []\n")
    _, found = run(capsys, report_validator)
    assert [(f["line"], f["end_line"]) for f in found] == [(1, 1), (11, 13)]
    assert found[0]["message"] == 'site boilerplate left from the web page (1 line): contains "crew jar"'


def test_an_invalid_pattern_is_a_config_error_naming_the_key(capsys):
    write("rules.yaml", "rules:\n  ad-text:\n    options:\n      extra-patterns: ['(unclosed']\n")
    write("a.txt", "Hello.\n")
    assert main(["check", "a.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: rules.yaml:4:24: rules.ad-text.options.extra-patterns.0: ")


@pytest.mark.parametrize("text", [
    "Lists and quotes only.\n\n- one\n- two\n",
    "Short heading\n\nA long sentence of the story that says nothing about the site at all, the council said.\n",
])
def test_plain_articles_give_no_findings(capsys, report_validator, text):
    write("plain.txt", text)
    assert run(capsys, report_validator) == (0, [])


@pytest.mark.parametrize("module", ["ad_text", "related_article"])
def test_rules_are_documented_in_ruffs_shape_with_every_option(module):
    import importlib

    rule_module = importlib.import_module(f"qualitycheck.builtin.{module}")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Options"):
        assert heading in rule_module.DOCS
    assert rule_module.OPTIONS_SCHEMA["additionalProperties"] is False
    for name, spec in rule_module.OPTIONS_SCHEMA["properties"].items():
        assert f"`{name}`" in rule_module.DOCS and "default" in spec


# The donation block of `DONATION`, written with CRLF breaks, tabs, runs of spaces, a no-break space,
# curly quotes and accented letters, must be found on the same lines as in plain ASCII, with the same
# excerpt; the story lines around it (reported speech) stay quiet.
DONATION = """\
Harbour school opens a rooftop garden

Pupils at the harbour primary school planted 40 raised beds on the roof this spring, the head teacher said on Friday.

Like what you read? Keep it coming.
Chip in $5 a month and we'll keep every story free.
Not now

The garden will supply the school kitchen from June, the council said.
"""


@pytest.mark.parametrize("variant", ["ascii", "crlf", "spacing", "unicode"])
def test_a_block_is_found_on_the_same_lines_whatever_the_spacing_breaks_and_letters(capsys, report_validator,
                                                                                      variant):
    text = DONATION
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "spacing":
        text = text.replace("Pupils at", "Pupils\tat").replace("the head", "the  head").replace(
            "Chip in", "Chip  in").replace("this spring", "this\xa0spring").replace("Not now", "Not now   ")
    elif variant == "unicode":
        text = text.replace("Harbour school", "Hafenschule “Möwe”").replace("council said", "Gemeinderat said")
    Path("garden.txt").write_bytes(text.encode("utf-8"))
    code, found = run(capsys, report_validator)
    assert code == 1
    assert spans(found) == [("garden.txt", 5, 1, 7, 11 if variant == "spacing" else 8)]
    assert found[0]["message"].startswith("donation appeal left from the web page (3 lines): ")
    assert "Chip in $5 a month" in found[0]["excerpt"].replace("  ", " ")


@pytest.mark.parametrize("text", [
    "plain line\nsecond line\n",
    "tab\there\n  edge spaces  \ndouble  space\n",
    "no\xa0break and é\r\nCRLF line\rCR line\n",
    "control \x0b vertical tab\nform\x0cfeed\x1fsep\n",
    "mixed İstanbul ΣΑΣ case\n\n   \nlast",
])
def test_line_hashes_of_the_fast_path_equal_line_hash(text):
    from qualitycheck.boilerplate import _line_hasher, line_hash
    from qualitycheck.text import LineIndex

    index = LineIndex(text)
    for spaced in (True, "  " in text):
        hash_line = _line_hasher(text, text.lower(), index.lines, index.starts, spaced)
        assert [hash_line(n) for n in range(1, len(index.lines) + 1)] == [line_hash(line) for line in index.lines]


def test_line_hash_ignores_case_and_spacing():
    from qualitycheck.boilerplate import line_hash

    assert line_hash("Support  our\tWORK ") == line_hash("support our work") == line_hash(" Support our work")
    assert line_hash("Unterstützen Sie uns") == line_hash("unterstützen  sie uns")
    assert line_hash("support our work") != line_hash("support our works")


def test_ascii_texts_are_normalized_as_the_general_translation_does():
    from qualitycheck.phrases import _SEPARATORS, normalize_text

    text = "".join(chr(i) for i in range(128) if chr(i) != "\t")
    assert normalize_text(text) == (text.lower().translate(_SEPARATORS), [], [])
    spaced = "Say  it\tagain, said  she"
    assert normalize_text(spaced) == ("say it again  said she", [4, 19], [1, 2])


def test_promo_labels_after_bullets_numbers_and_emphasis_in_any_case_are_left_to_related_article():
    from qualitycheck.promos import find_widgets

    labels = ["Related", "Read more", "Also read", "See also", "More", "Explore more", "Recommended", "You may also like",
              "Further reading", "Don't miss", "Must read", "What to read next", "Editor's picks", "Top stories",
              "Latest", "Trending now", "Popular", "Most read", "Watch", "Listen"]
    lines = []
    for i, label in enumerate(labels):
        lead = ["", "- ", "» ", "12. ", "**", "\u2003", "•\u00a0"][i % 7]
        label = [label, label.upper(), label.lower()][i % 3]
        lines += [f"{lead}{label}: Harbour Tolls Rise In Autumn", ""]
    lines += ["ſee also: Harbour Tolls Rise In Autumn", "", "Residents said the tolls were too high.", "",
              "Listening to the council: residents meet on Monday.", ""]
    widgets = find_widgets(lines)
    assert [(w.kind, w.first) for w in widgets] == [("promo", 2 * i + 1) for i in range(len(labels) + 1)]


def test_a_reader_asked_whether_they_liked_the_piece_is_an_appeal_but_a_quoted_reader_is_not(capsys, report_validator):
    write("orchard.md", """\
        Cider makers share one press after the flood

        Three orchards in the valley will press their apples at a single mill this autumn, the growers' cooperative said on Thursday, after the river flooded two of the older presses.

        Enjoyed this article? Keep the Valley Post on the doorstep for £3 a month.

        "I enjoyed this story more than any I have told at the market," the oldest grower, Tomas Reyes, said of the flood year.
        """)
    code, findings = run(capsys, report_validator)
    assert code == 1
    assert spans(findings) == [("orchard.md", 5, 1, 5, 75)]
    assert findings[0]["message"] == ('donation appeal left from the web page (1 line): contains "Enjoyed this article"; '
                                      'calls to action ("Keep"); asks for money ("£3")')


BUTTONS_AND_ASKS = """\
This site keeps small files on your device to count visits.
[ Allow everything ]  [ Adjust settings ]  [ Essential only ]

The tram line to the airport will open in April, two months late, the transport authority said on Tuesday after the last safety inspection of the overhead wires was completed.

It looks like something in your browser is blocking parts of this page.
Whitelist our site so we can keep the transport desk free to read.

Engineers found that two substations could not carry the load of full trains at rush hour, and new transformers had to be ordered from a supplier abroad, the authority's chief engineer told reporters.

Covering city hall is slow, careful work.
Pitch in $4 a month to keep the watchdog desk going.
Back our newsroom today.

Tickets will cost the same as on the bus network, and the first week of service will be free.

Email  ·  Print  ·  Save for later  ·  Copy link

Read the free e-paper first: scan the QR code on page 3 and get our app free for your first two months.
"""


def test_button_rows_ad_blocker_requests_and_asks_without_listed_phrases_are_found(capsys, report_validator):
    write("tram.txt", BUTTONS_AND_ASKS)
    _, found = run(capsys, report_validator)
    assert [(f["line"], f["end_line"], f["message"]) for f in found] == [
        (1, 2, 'cookie banner left from the web page (2 lines): speaks to the reader ("your"); calls to action '
               '("Allow"); button label "[ Allow everything ]  [ Adjust settings ]  [ Essential only ]"; '
               'no one is quoted or cited'),
        (6, 7, 'advertisement left from the web page (2 lines): speaks to the reader ("your", "our", "we"); '
               'calls to action ("Whitelist"); no one is quoted or cited'),
        (12, 13, 'donation appeal left from the web page (2 lines): speaks to the reader ("our"); calls to action '
                 '("Pitch in", "Back our"); asks for money ("$4"); no one is quoted or cited'),
        (17, 19, 'app promo left from the web page (2 lines): contains "Copy link", "get our app"; speaks to the '
                 'reader ("our", "your"); calls to action ("Read", "scan"); no one is quoted or cited'),
    ]


def test_a_long_story_line_naming_pop_ups_with_one_verb_is_the_story(capsys, report_validator):
    write("popups.md", """\
        Readers are closing the tab

        For most people who read news on a phone, the routine is familiar: open a story, dismiss a cookie banner, dismiss a newsletter overlay, and meet a box counting how many free stories remain.
        """)
    assert run(capsys, report_validator) == (0, [])
