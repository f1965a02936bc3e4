"""future-url (QC104): links dated after the article's publication date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from qualitycheck.builtin.future_url import DEFAULT_DATE_FIELDS, check_future_url
from qualitycheck.cli import main
from qualitycheck.dates import describe_gap, find_dateline, parse_date, url_path_date
from qualitycheck.model import Document, RuleContext

OPTIONS = {"date-fields": list(DEFAULT_DATE_FIELDS), "dateline-lines": 12, "update-notes": "ignore"}
AS_OF = dt.date(2024, 5, 1)


def issues(text: str, metadata=None, fmt: str = "md", as_of: dt.date = AS_OF, **options):
    document = Document(path=f"a.{fmt}", text=text, metadata=metadata or {}, format=fmt)
    return list(check_future_url(document, RuleContext({**OPTIONS, **options}, as_of)))


def spans(text: str, metadata=None, **options):
    return [(i.line, i.column, i.end_column) for i in issues(text, metadata, **options)]


VINEYARD = """\
Frost on the last night of April destroyed about a third of the buds in the
valley's vineyards, growers said, the worst damage since a survey began
(see the institute's report at https://agri.example.org/2019/11/04/frost-risk-map).

Growers lit candles between the rows, as they did in
[the spring of 2017](https://news.example.com/2017/04/21/candles-in-the-vines/).

https://news.example.com/2023/09/14/vineyard-insurance-claims-rise
<https://wine.example.net/2022-05-30-harvest-outlook>
[Harvest outlook](https://wine.example.net/2021/05/19/outlook.html)

The co-operative's price list is at https://shop.example.org/item/20251399/ and
the archive at https://archive.example.org/1234/5678/ and https://example.org/2021/05/.
"""


def test_links_dated_after_publication_are_reported_with_exact_spans():
    assert spans(VINEYARD, {"date": "2021-05-19"}) == [(8, 1, 67), (9, 2, 53)]


def test_message_names_both_dates_the_gap_and_the_source():
    found = issues(VINEYARD, {"date": "2021-05-19"})
    assert found[0].message == (
        "URL dated 2023-09-14 is 2 years 3 months later than the article's publication date 2021-05-19 "
        "(from the front matter field 'date'); the link could not have existed when the article was published")
    assert found[1].message.startswith("URL dated 2022-05-30 is 1 year later than")


def test_same_day_and_earlier_links_are_fine():
    assert spans(VINEYARD, {"date": "2023-09-14"}) == []


def test_named_month_urls_in_running_text():
    text = "Background: https://paper.example/world/2021/jun/02/harvest-report, and earlier coverage.\n"
    assert [(i.column, i.end_column) for i in issues(text, {"date": "2021-05-19"})] == [(13, 67)]
    assert issues(text, {"date": "2021-06-02"}) == []


def test_month_only_urls_count_only_when_the_whole_month_is_later():
    text = "See https://example.org/2021/05/ and https://example.org/2021/06/summary for more.\n"
    found = issues(text, {"date": "2021-05-31"})
    assert [(i.column, i.end_column) for i in found] == [(38, 73)]
    assert found[0].message.startswith("URL dated June 2021 is 1 month later than the article's publication date "
                                       "2021-05-31")


def test_a_year_and_month_folder_above_a_slug_in_running_text():
    text = "The pilot (https://bus.example/news/202106/dial-a-ride-pilot) and https://bus.example/story/202106 .\n"
    found = issues(text, {"date": "2021-05-31"})
    assert [(i.column, i.end_column) for i in found] == [(12, 61)]
    assert found[0].message.startswith("URL dated June 2021 is 1 month later")


def test_numeric_ids_are_not_dates():
    text = ("Item https://shop.example.org/item/20251399/ and https://archive.example.org/1234/5678/ "
            "and https://example.org/2023/1234/ and https://example.org/p/99990101/ and "
            "https://example.org/2024/02/30/leap\n")
    assert spans(text, {"date": "2001-01-01"}) == []


@pytest.mark.parametrize("url,expected", [
    ("https://a.example/2025/06/25/slug", "2025-06-25"),
    ("https://a.example/news/2025-06-25-slug", "2025-06-25"),
    ("https://a.example/news/slug_2025_06_25.html", "2025-06-25"),
    ("https://a.example/20250625/slug", "2025-06-25"),
    ("https://a.example/world/2025/jun/25/slug", "2025-06-25"),
    ("/2015/10/05/site-relative/", "2015-10-05"),
    ("https://a.example/2025/06/", "June 2025"),
    ("https://a.example/2025/06/slug", "June 2025"),
    ("https://a.example/news/202506/bus-pilot-judged-a-success", "June 2025"),
    ("https://a.example/story/202506", None),
    ("https://a.example/news/202513/slug", None),
    ("https://a.example/item/20251399/", None),
    ("https://a.example/1234/5678/", None),
    ("https://a.example/search?from=2025-06-25", None),
    ("https://2025.example/06/25/", None),
    ("https://a.example/v/1989/01/02/", None),
])
def test_url_path_dates(url, expected):
    found = url_path_date(url)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize("line,expected", [
    ("REYKJAVIK, March 3, 2020 \u2014 Fishing boats stayed in port", dt.date(2020, 3, 3)),
    ("Published 2 December 2021", dt.date(2021, 12, 2)),
    ("Updated: 2021-12-02 14:30", dt.date(2021, 12, 2)),
    ("By Ana Ruiz | March 3, 2020", dt.date(2020, 3, 3)),
    ("*Posted on Thursday, March 5th, 2020 at 10:15*", dt.date(2020, 3, 5)),
    ("**Published on** 7 Jan. 2019 by the news desk", dt.date(2019, 1, 7)),
    ("On March 3, 2020, the council voted to close the pool.", None),
    ("March 3, 2020 was the coldest day of the year.", None),
    ("The report, dated 2020-03-03, was never published.", None),
    ("Posted 14/03/2022", dt.date(2022, 3, 14)),
    ("Published: 03/14/2022", dt.date(2022, 3, 14)),
    ("Filed 31.12.2021 at 10:00", dt.date(2021, 12, 31)),
    ("Published: 04/03/2022", dt.date(2022, 4, 3)),  # 4 March or 3 April: the later reading
    ("The vote on 04/03/2022 was close.", None),
])
def test_datelines(line, expected):
    found = find_dateline(["Harbour news", "", line])
    assert (found[0] if found else None) == expected


def test_earliest_dateline_date_is_the_publication_date():
    assert find_dateline(["Updated: 2021-12-09", "Published: 2021-12-02", "Text."]) == (dt.date(2021, 12, 2), 2)


@pytest.mark.parametrize("value,expected", [
    ("2021-12-02", dt.date(2021, 12, 2)),
    ("2021-12-02T09:30:00Z", dt.date(2021, 12, 2)),
    ("Thu, 02 Dec 2021 09:30:00 +0000", dt.date(2021, 12, 2)),
    ("December 2, 2021", dt.date(2021, 12, 2)),
    (1638437400, dt.date(2021, 12, 2)),
    (1638437400000, dt.date(2021, 12, 2)),
    (dt.date(2021, 12, 2), dt.date(2021, 12, 2)),
    ("soon", None),
    ("2021-02-30", None),
    (True, None),
])
def test_metadata_date_values(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("earlier,later,text", [
    (dt.date(2021, 12, 2), dt.date(2025, 6, 25), "3 years 6 months"),
    (dt.date(2021, 12, 2), dt.date(2022, 12, 2), "1 year"),
    (dt.date(2021, 12, 2), dt.date(2022, 3, 1), "2 months"),
    (dt.date(2021, 12, 2), dt.date(2022, 1, 10), "1 month"),
    (dt.date(2021, 12, 2), dt.date(2021, 12, 30), "4 weeks"),
    (dt.date(2021, 12, 2), dt.date(2021, 12, 3), "1 day"),
])
def test_gaps_read_like_an_editor_would_say_them(earlier, later, text):
    assert describe_gap(earlier, later) == text


def test_dateline_is_used_without_metadata_and_named_with_its_line():
    text = ("# Storm closes the harbour\n\nREYKJAVIK, March 3, 2020 \u2014 Boats stayed in port on Tuesday.\n\n"
            "Earlier coverage: https://news.example.is/2020/03/02/storm-warning and a later piece,\n"
            "https://news.example.is/2020/03/10/storm-damage-counted\n")
    found = issues(text)
    assert [(i.line, i.column) for i in found] == [(6, 1)]
    assert found[0].message.startswith("URL dated 2020-03-10 is 7 days later than the article's publication date "
                                       "2020-03-03 (from the dateline on line 3)")


def test_date_in_a_sentence_of_the_story_is_not_a_dateline():
    text = ("On March 3, 2020, the storm closed the harbour for two days.\n\n"
            "https://news.example.is/2020/03/10/storm-damage-counted\n")
    found = issues(text, as_of=dt.date(2020, 3, 5))
    assert "publication date 2020-03-05 (from --as-of, as the article has no date field or dateline)" in \
        found[0].message


def test_date_fields_option_and_record_fields():
    text = "Follow-up: https://news.example.org/2022/01/15/follow-up\n"
    record = {"pub": "2022-01-10", "date": "2023-01-01"}
    assert issues(text, record, fmt="jsonl") == []
    found = issues(text, record, fmt="jsonl", **{"date-fields": ["pub"]})
    assert "publication date 2022-01-10 (from the record field 'pub')" in found[0].message
    assert "5 days later" in found[0].message


def test_unparseable_metadata_date_falls_back_to_the_next_source():
    text = "Published 4 June 2022\n\nSee https://example.org/2022/06/05/next-day\n"
    found = issues(text, {"date": "TBD"})
    assert "2022-06-04 (from the dateline on line 1)" in found[0].message


SERIES_POST = """\
This is the first part of our series on the city's lost rivers.

**Update (June 2022):** part two is out:
[The river under the market](https://blog.example.org/2022/06/10/river-under-the-market/).

Related: https://blog.example.org/2023/01/20/rivers-quiz

Editor's note \u2014 the map below was redrawn after publication,
see https://blog.example.org/2022/07/01/map-corrections

## Updates

- Part three: https://blog.example.org/2022/09/02/the-canal-that-never-was
"""


def test_links_in_update_notes_are_skipped_by_default():
    found = issues(SERIES_POST, {"date": "2022-03-01"})
    assert [i.line for i in found] == [6]


def test_update_notes_report_option_reports_them():
    found = issues(SERIES_POST, {"date": "2022-03-01"}, **{"update-notes": "report"})
    assert [i.line for i in found] == [4, 6, 9, 13]


def test_cli_uses_as_of_and_reports_file_positions(tmp_path, capsys, report_validator):
    (tmp_path / "orchard.txt").write_text(
        "Cherry growers expect a late harvest after the cold spring.\n\n"
        "https://farm.example.org/2024/07/02/cherry-prices-fall\n"
        "https://farm.example.org/2024/05/30/orchard-open-day\n", encoding="utf-8")
    (tmp_path / "dated.md").write_text(
        "---\ntitle: Bridge works\npublished: 2023-02-01\n---\nWorks start next week, see\n"
        "<https://city.example.org/2023/03/01/bridge-works-timetable>.\n", encoding="utf-8")

    code = main(["check", ".", "--format", "json", "--select", "future-url", "--as-of", "2024-06-01"])

    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == 1
    assert [(f["path"], f["line"], f["column"], f["end_column"], f["code"], f["excerpt"]) for f in report["findings"]] == [
        ("dated.md", 6, 2, 60, "QC104", "https://city.example.org/2023/03/01/bridge-works-timetable"),
        ("orchard.txt", 3, 1, 55, "QC104", "https://farm.example.org/2024/07/02/cherry-prices-fall"),
    ]
    assert "1 month later than the article's publication date 2024-06-01 (from --as-of" in \
        report["findings"][1]["message"]
    assert "(from the front matter field 'published')" in report["findings"][0]["message"]


def test_publication_name_dateline_is_a_source():
    text = ("FLOOD BARRIER OPENS AHEAD OF SCHEDULE\n\nHarbour Gazette, 9 August 2022\n\n"
            "The barrier closed for the first time on Monday.\n\n"
            "<https://harbourgazette.example/2022/11/barrier-review-published>\n")
    found = issues(text, fmt="txt")
    assert [(i.line, i.column) for i in found] == [(7, 2)]
    assert found[0].message.startswith("URL dated November 2022 is 3 months later than the article's publication "
                                       "date 2022-08-09 (from the dateline on line 3)")


def test_numeric_dateline_dates_the_article():
    text = "Canal towpath reopens\n\nPosted 14/03/2022\n\nRead on: https://example.org/2022/06/01/towpath-plans\n"
    found = issues(text)
    assert [(i.line, i.column) for i in found] == [(5, 10)]
    assert "publication date 2022-03-14 (from the dateline on line 3)" in found[0].message
