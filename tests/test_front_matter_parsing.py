"""Front matter of plain `key: value` lines takes a fast path; it must read exactly as YAML does."""

import pytest

from qualitycheck.reading import split_front_matter
from qualitycheck.yamlload import load_yaml

CASES = [
    'title: "Harbour ferry timetable changes"\ndate: 2019-04-02\nurl: https://example.org/2019/04/02/ferry?x=1&y=2\n',
    "title: 'The mayor''s budget'\nauthor: Ines Duarte\n",
    "draft: yes\ntitle: Orchard report\n",  # a YAML 1.1 boolean
    "on: the record\n",  # a boolean key
    "title: Notes: part two\n",  # ": " inside a plain value is a nested mapping error in YAML
    "count: 12\nratio: .5\nempty:\nnothing: null\n",
    "title: Weekend market  # a comment\n",
    "date: 2019-4-2\nlater: 2019-04-02 10:30:00\n",
    'title: "Quoted \\"inner\\" words"\n',
    "title: Caf\u00e9 owners meet\n",
    "tags:\n  - budget\n  - council\n",
    "title: One\ntitle: Two\n",  # duplicate key: a metadata problem
]


@pytest.mark.parametrize("raw", CASES)
def test_front_matter_reads_as_yaml_does(raw):
    found = split_front_matter(f"---\n{raw}---\nBody text.\n")
    try:
        expected = load_yaml(raw, first_line=2)
    except Exception as exc:  # noqa: BLE001 - the loader reports the same problem
        assert found.metadata == {}
        assert found.problem is not None and found.problem.message.endswith(exc.message)
        return
    assert found.problem is None
    assert found.metadata == expected
    assert [type(value) for value in found.metadata.values()] == [type(value) for value in expected.values()]
    assert found.body == "Body text.\n"
