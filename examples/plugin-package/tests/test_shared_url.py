"""Tests of the corpus rule, written with qualitycheck.testing."""

from pathlib import Path

from qualitycheck.testing import assert_expected, check_corpus
from qualitycheck_newsroom.shared_url import SHARED_URL, normalize_url

FIXTURES = Path(__file__).parent / "fixtures"


def article(url):
    return f"---\ntitle: Ferry timetable\nurl: {url}\n---\nFerries run hourly from May.\n"


def test_the_second_article_with_a_url_is_flagged_and_points_at_the_first():
    findings = check_corpus(SHARED_URL, {
        "a.md": article("https://news.example/ferry/"),
        "b.md": article("https://News.Example/ferry#top"),
        "c.md": article("https://news.example/bus"),
    })
    assert [(f.path, f.line, f.message) for f in findings] == [
        ("b.md", 3, "URL https://news.example/ferry is also the URL of a.md"),
    ]
    assert [(r.path, r.record) for r in findings[0].related] == [("a.md", None)]


def test_only_target_articles_are_reported():
    articles = {"a.md": article("https://news.example/x"), "b.md": article("https://news.example/x")}
    assert check_corpus(SHARED_URL, articles, targets=["a.md"]) == []


def test_fixture_folder_expectations():
    assert_expected(SHARED_URL, FIXTURES / "shared-url")


def test_normalize_url():
    assert normalize_url(" HTTPS://News.Example/a/b/?q=1#c ") == "https://news.example/a/b"
