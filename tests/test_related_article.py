"""related-article (QC103): promo lines and bare URL dumps, paired, resolved against the corpus, checked over HTTP."""

from __future__ import annotations

import json
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from qualitycheck.cli import main
from qualitycheck.promos import match_promo
from qualitycheck.urls import find_urls, slug_words


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(capsys, report_validator, *args: str) -> list[dict]:
    code = main(["check", "--format", "json", "--no-cache", "--select", "related-article", *args])
    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == (1 if report["findings"] else 0)
    return [f for f in report["findings"] if f["rule"] == "related-article"]


def spans(findings: list[dict]) -> list[tuple]:
    return [(f["line"], f["column"], f["end_line"], f["end_column"]) for f in findings]


WIND_FARM = """\
---
title: Offshore wind farm wins approval after two-year review
date: 2022-04-08
---
The national planning board approved the 60-turbine wind farm off the north coast on Thursday, ending a review
that took two years and drew 4,000 objections.
 Related article: Fishermen fear for catches as turbines go up

Construction will start next spring, the developer said. The board's decision is published at
https://planning.example.gov/decisions/2022/0408 together with the conditions.

→ READ MORE: Grid operator warns of congestion on coastal lines

The developer must pay for a study of seabird collisions in the first three years of operation.

https://coastnews.example.com/2022/03/02/fishermen-fear-for-catches-as-turbines-go-up
https://coastnews.example.com/2022/01/19/ferry-route-to-move-north

Local councils will receive an annual payment of 1.2 million euros.
"""


def test_promos_pairs_and_url_blocks_with_exact_spans_and_messages(capsys, report_validator):
    write("wind.md", WIND_FARM)
    found = run(capsys, report_validator)
    # File lines: the front matter takes lines 1-4, the text starts on line 5.
    assert spans(found) == [(7, 1, 7, 63), (12, 1, 12, 64), (17, 1, 17, 67)]
    assert found[0]["message"] == (
        'dead related link: promo "Fishermen fear for catches as turbines go up" and the bare URL on line 16 '
        "(its slug spells the same title) are what is left of a related-articles widget; delete both")
    assert found[0]["related"] == [{"path": "wind.md", "record": None, "line": 16}]
    assert found[1]["message"] == ('related-article promo "READ MORE" left in the body: "Grid operator warns of '
                                   'congestion on coastal lines"; the link it stood for is gone')
    assert found[2]["message"] == ("bare URL left between paragraphs: "
                                   "https://coastnews.example.com/2022/01/19/ferry-route-to-move-north")


BRIDGE = """\
Footbridge over the railway reopens after repairs

The footbridge reopened on Monday after eight weeks of repairs. Read more about the repairs in [the council's notice](https://council.example.org/notices/footbridge), which lists the contractors.

Read more about why the bridge rusted so quickly in our explainer.

See also the 2019 inspection, which first warned about corrosion.

Sources:
- https://council.example.org/reports/inspection-2019.pdf
- https://rail.example.org/works/footbridge

![The bridge at dusk](https://images.example.org/bridge.jpg)

[1]: https://council.example.org/notices/footbridge

```
curl https://api.example.org/bridges/17
```

The railway operator said the line would stay open during a final coat of paint, at
https://rail.example.org/works/footbridge
according to its works page.
"""


def test_citations_prose_and_markdown_syntax_are_not_widgets(capsys, report_validator):
    write("bridge.md", BRIDGE)
    assert run(capsys, report_validator) == []


def test_a_block_of_urls_is_one_finding_and_labelled_lists_span_their_entries(capsys, report_validator):
    write("storm.txt", """\
        Storm closes schools across the valley

        All 14 schools in the valley stayed shut on Wednesday as the storm brought down power lines.

        https://valleypost.example/2021/02/03/power-cut-hits-thousands
        https://valleypost.example/2021/02/03/roads-closed-by-fallen-trees

        https://valleypost.example/2021/02/04/school-meals-moved-online

        Related stories:
        • Power returns to most homes
        • [How to claim for spoiled food](https://valleypost.example/2021/02/05/claim-spoiled-food)

        The schools will reopen on Friday, the education office said.
        """)
    found = run(capsys, report_validator)
    assert spans(found) == [(5, 1, 8, 64), (10, 1, 12, 92)]
    assert found[0]["message"] == "block of 3 bare URLs left between paragraphs"
    assert found[1]["message"] == 'related-articles list "Related stories" left in the body (2 entries)'


@pytest.mark.parametrize("line, title", [
    ("Related article: Dam levels fall to record low", "Dam levels fall to record low"),
    ("READ ALSO: Dam levels fall to record low", "Dam levels fall to record low"),
    ("read more - Dam levels fall to record low", "Dam levels fall to record low"),
    ("» See also: Dam levels fall to record low", "Dam levels fall to record low"),
    ("* More on this: Dam levels fall to record low", "Dam levels fall to record low"),
    ("► Related: “Dam levels fall to record low”", "Dam levels fall to record low"),
    ("**Read more:** [Dam levels fall](https://x.example/dam-levels-fall)", "Dam levels fall"),
    ("See also Dam levels fall to record low", "Dam levels fall to record low"),
    ("Keep reading → Dam levels fall to record low", "Dam levels fall to record low"),
    ("Continue reading: Dam levels fall to record low", "Dam levels fall to record low"),
    ("**Also from our water desk:** [Dam levels fall](https://x.example/dam)", "Dam levels fall"),
    ("More from the business pages | Dam levels fall to record low", "Dam levels fall to record low"),
    ("Readers also liked: Dam levels fall to record low", "Dam levels fall to record low"),
    ("People also read: Dam levels fall to record low", "Dam levels fall to record low"),
    ("Others are reading → Dam levels fall to record low", "Dam levels fall to record low"),
])
def test_promo_labels_markers_and_cases(line, title):
    from qualitycheck.promos import find_widgets

    promo = match_promo(line)
    assert promo is not None and promo.title == title
    # the scan's first-letters prefilter (promos._LABEL_STARTS) lets every label through
    assert [(w.kind, w.first, w.label) for w in find_widgets(["", line, ""])] == [("promo", 2, promo.label)]


@pytest.mark.parametrize("line", [
    "Read more about the dam in our explainer.",
    "Read more",
    "Related costs rose by a third, the utility said.",
    "See also the appendix of the report.",
    "Watch the water levels closely this summer.",
    "More on this: the ministry said it would publish a plan after the summer, once the engineers' report has been reviewed by the board.",
    "Keep reading the small print before you sign, the ombudsman advised.",
    "More from the interview will be published on Sunday.",
    "Elsewhere on the coast, fishermen stayed in port.",
    "People are reading the report line by line.",
])
def test_prose_and_buttons_are_not_promos(line):
    assert match_promo(line) is None


def test_find_urls_handles_plain_markdown_and_angle_urls():
    text = ("See https://a.example/x/(y), [the report](https://b.example/r.pdf \"Title\") and "
            "<https://c.example/2021/05/07/slug>. Also www.d.example/page.")
    assert [url for _, _, url in find_urls(text)] == [
        "https://a.example/x/(y)", "https://b.example/r.pdf", "https://c.example/2021/05/07/slug",
        "www.d.example/page"]
    start, end, url = next(find_urls(text))
    assert text[start:end] == url
    assert slug_words("https://e.example/news/2021/05/07/mayor-s-plan-wins-vote-a12345.html") == [
        "mayor", "s", "plan", "wins", "vote"]


def test_titles_and_urls_of_the_corpus_are_resolved(capsys, report_validator):
    write("news/dam.md", """\
        ---
        title: Dam levels fall to record low
        url: https://waterdesk.example/2021/07/30/dam-levels-fall-to-record-low
        ---
        The reservoir is at 23 percent of capacity.
        """)
    write("news/drought.md", """\
        ---
        title: Farmers ask for drought aid
        ---
        Farmers in the south asked the government for emergency aid on Monday.

        Related article: Dam levels fall to record low

        https://waterdesk.example/2021/07/30/dam-levels-fall-to-record-low/

        The ministry said it would decide next week.
        """)
    found = run(capsys, report_validator, "news/drought.md")
    assert spans(found) == [(6, 1, 6, 47)]
    assert found[0]["message"].endswith('; it names "Dam levels fall to record low" in this archive (news/dam.md)')
    assert found[0]["related"] == [{"path": "news/drought.md", "record": None, "line": 8},
                                   {"path": "news/dam.md", "record": None, "line": None}]


def test_findings_do_not_depend_on_which_files_are_targets(capsys, report_validator):
    write("a.txt", "Title\n\nStory text, the council said.\n\nRead also: Budget vote delayed\n")
    write("b.md", "---\ntitle: Budget vote delayed\n---\nThe vote moved to June.\n")
    write("rules.yaml", "include: ['*.txt', '*.md']\n")
    everything = run(capsys, report_validator)
    assert run(capsys, report_validator, "a.txt") == everything
    assert "in this archive (b.md)" in everything[0]["message"]


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.requests.append(self.path)
        self.send_response(200 if self.path.startswith("/alive") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_opt_in_http_check_reports_dead_urls_and_caches_results(capsys, report_validator, server):
    write("quake.txt", f"""\
        Small earthquake shakes the coast

        No damage was reported after the magnitude 3.1 tremor on Sunday.

        {server}/alive/2021/05/03/tremor-felt-inland
        {server}/gone/2021/05/04/aftershocks-expected

        Seismologists said aftershocks were possible.
        """)
    write("rules.yaml", "rules:\n  related-article:\n    options:\n      check-urls: true\n"
                        "      url-timeout: 2\n      url-cache: cache/urls.json\n")
    found = run(capsys, report_validator, "--as-of", "2021-06-01")
    assert found[0]["message"] == (f"block of 2 bare URLs left between paragraphs; HTTP check: "
                                   f"{server}/gone/2021/05/04/aftershocks-expected is dead (HTTP 404 Not Found)")
    assert sorted(_Handler.requests) == ["/alive/2021/05/03/tremor-felt-inland", "/gone/2021/05/04/aftershocks-expected"]
    cache = json.loads(Path("cache/urls.json").read_text())
    assert cache["results"][f"{server}/gone/2021/05/04/aftershocks-expected"] == {
        "checked": "2021-06-01", "problem": "HTTP 404 Not Found"}
    _Handler.requests.clear()
    again = run(capsys, report_validator, "--as-of", "2021-06-03")
    assert again == found and _Handler.requests == []  # answered from the cache


def test_http_check_is_off_by_default(capsys, report_validator, server):
    write("quake.txt", f"Quake\n\nText of the story.\n\n{server}/gone/x\n")
    found = run(capsys, report_validator)
    assert found[0]["message"] == f"bare URL left between paragraphs: {server}/gone/x"
    assert _Handler.requests == []


def test_bare_list_header_and_a_more_label_are_promos():
    from qualitycheck.promos import find_widgets

    lines = ["The ferry will run hourly from May.", "",
             "» More: Harbour tolls to rise in autumn", "",
             "Most read", "- Pier reopens after storm repairs", "- Fish market moves indoors", "",
             "Latest", "- a rise in fuel costs", "- crew shortages", "",
             "Watch", "- Bay lights switched on", "",
             "More than 300 people attended the meeting."]
    assert [(w.kind, w.first, w.last, w.label) for w in find_widgets(lines)] == [
        ("promo", 3, 3, "More"), ("list", 5, 7, "Most read")]


def test_desk_and_readers_headers_above_headlines_are_lists():
    from qualitycheck.promos import find_widgets

    lines = ["The ferry will run hourly from May.", "",
             "MORE FROM THE HARBOUR DESK", "- Pier reopens after storm repairs", "- Fish market moves indoors", "",
             "Elsewhere on our coast pages", "• Lifeboat crew rescue two kayakers", "• Bay lights switched on", "",
             "What other readers are opening now", "* Toll rise approved", "* New bus route to the port", "",
             "More from the minister", "- She said the budget was final.", "- She took no questions.", "",
             "More than 300 people attended the meeting."]
    assert [(w.kind, w.first, w.last, w.label) for w in find_widgets(lines)] == [
        ("list", 3, 5, "MORE FROM THE HARBOUR DESK"), ("list", 7, 9, "Elsewhere on our coast pages"),
        ("list", 11, 13, "What other readers are opening now")]
