"""Durations, sizes, display widths, the tabwriter and Go JSON: the building blocks of output."""

from __future__ import annotations

import pytest

from webapp.engine.formats import (
    display_width,
    dumps,
    human_duration,
    human_size,
    tabwrite,
    tabwriter_format,
)
from webapp.engine.formats.gofmt import GoMap, GoSlice, GoStruct, JsonField, quote
from webapp.engine.formats.sizes import human_size_with_precision

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 7 * 86400


@pytest.mark.parametrize("seconds, expected", [
    # go-units v0.5.0 test cases (spec section 2)
    (0.45, "Less than a second"),
    (47, "47 seconds"),
    (HOUR + 29 * MINUTE, "About an hour"),
    (HOUR + 31 * MINUTE, "2 hours"),
    (24 * HOUR, "24 hours"),
    (36 * HOUR, "36 hours"),
    (2 * DAY, "2 days"),
    (13 * DAY + 5 * HOUR, "13 days"),
    (2 * WEEK + 4 * DAY, "2 weeks"),
    (30 * DAY, "4 weeks"),
    (30 * DAY + 2 * WEEK, "6 weeks"),
    (2 * 30 * DAY, "2 months"),
    (24 * 30 * DAY, "24 months"),
    (24 * 30 * DAY + 2 * WEEK, "2 years"),
    # boundaries of each rule
    (-5, "Less than a second"),
    (0, "Less than a second"),
    (0.999, "Less than a second"),
    (1, "1 second"),
    (1.9, "1 second"),
    (59.99, "59 seconds"),
    (60, "About a minute"),
    (119.999, "About a minute"),
    (120, "2 minutes"),
    (59 * MINUTE + 59, "59 minutes"),
    (60 * MINUTE, "About an hour"),
    (90 * MINUTE - 1, "About an hour"),
    (90 * MINUTE, "2 hours"),
    (47 * HOUR + 29 * MINUTE, "47 hours"),
    (47 * HOUR + 30 * MINUTE, "2 days"),
    (14 * DAY - 31 * MINUTE, "13 days"),
    (14 * DAY, "2 weeks"),
    (60 * DAY, "2 months"),
    (730 * DAY, "2 years"),
    (3650 * DAY, "10 years"),
])
def test_human_duration(seconds: float, expected: str) -> None:
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("size, expected", [
    (0, "0B"),
    (2, "2B"),
    (999, "999B"),
    (1000, "1kB"),
    (13_256, "13.3kB"),
    (13_300, "13.3kB"),
    (999_600, "1e+03kB"),  # Go's %.3g quirk, also printed by the real CLI
    (1_984_132, "1.98MB"),
    (7_800_000, "7.8MB"),
    (187_000_000, "187MB"),
    (192_000_000, "192MB"),
    (1.5e12, "1.5TB"),
    (1e30, "1e+06YB"),
])
def test_human_size(size: float, expected: str) -> None:
    assert human_size(size) == expected


def test_human_size_precision_four() -> None:
    assert human_size_with_precision(999_600, 4) == "999.6kB"
    assert human_size_with_precision(13_200, 4) == "13.2kB"


# Widths the docker CLI's tabwriter used, measured from real `docker ps` tables.
@pytest.mark.parametrize("text, width", [
    ("CONTAINER ID", 12),
    ("日本語", 6),
    ("é\u0301", 1),
    ("😀x", 3),
    ("ab\u200bc", 3),
    ("a\u00adb", 2),
    ("Ａ½±", 4),
    ("\u1100\u1161", 2),
    ("कि", 1),
    ("กำ", 1),
    ("🇯🇵", 1),
    ("👨\u200d👩\u200d👧", 2),
    ("👍🏽", 2),
    ("\u2764\ufe0f", 1),
    ("\U00020000", 2),
    ("\u3000", 2),
    ("\uff61", 1),
    ("\u0e33", 0),
    ("\u0903", 0),
    ("\ufe0f", 0),
    ("\u2329", 2),
    ("\u231a", 2),
    ("\u303f", 1),
    ("\U0001f3fb", 0),
    ("\u200d", 0),
    ("\u0600", 1),
    ("\u2028", 0),
])
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_tabwrite_pads_all_but_the_last_column() -> None:
    assert tabwrite([["CONTAINER ID", "IMAGE", "NAMES"], ["abc", "nginx", "web"]]) == (
        "CONTAINER ID   IMAGE     NAMES\nabc            nginx     web\n")


def test_tabwrite_empty_cells_are_padded() -> None:
    assert tabwrite([["A", "", "C"], ["", "", ""]]) == "A                   C\n                    \n"


def test_tabwrite_counts_wide_characters_twice() -> None:
    assert tabwrite([["日本語日本語日本語", "x"], ["a", "y"]]) == (
        "日本語日本語日本語   x\na                    y\n")


def test_cells_with_newlines_start_new_column_blocks() -> None:
    # `docker ps --format 'table {{.ID}}\n{{.Names}}\t{{.Status}}'` (recorded)
    text = "CONTAINER ID\nNAMES\tSTATUS\n4cf98d1040aa\nfmt-created\tCreated\n"
    assert tabwriter_format(text) == (
        "CONTAINER ID\nNAMES     STATUS\n4cf98d1040aa\nfmt-created   Created\n")


def test_ragged_rows_get_their_own_block() -> None:
    text = "NAMES\tSTATUS\tSTATE\nweb\tID\tUp 5 minutes\trunning\nwide\tUp 2 minutes\trunning\n"
    assert tabwriter_format(text) == (
        "NAMES     STATUS         STATE\n"
        "web       ID             Up 5 minutes   running\n"
        "wide      Up 2 minutes   running\n")


def test_formfeed_flushes_columns_and_unterminated_text_has_no_newline() -> None:
    assert tabwriter_format("a\tb\n\flonger-cell\tc") == "a         b\n\nlonger-cell   c"
    assert tabwriter_format("") == ""


@pytest.mark.parametrize("value, expected", [
    ("plain", '"plain"'),
    ('say "hi"\\', '"say \\"hi\\"\\\\"'),
    ("tab\tnl\n", '"tab\\tnl\\n"'),
    ("\x01\x7f", '"\\x01\\x7f"'),
    ("…日本", '"…日本"'),
    ("\u00a0\u200b", '"\\u00a0\\u200b"'),
    ("\U000e0001", '"\\U000e0001"'),
])
def test_go_quote(value: str, expected: str) -> None:
    assert quote(value) == expected


def test_go_quote_to_ascii_and_values_as_json_carries_them() -> None:
    assert quote("é\t😀", ascii_only=True) == '"\\u00e9\\t\\U0001f600"'
    assert quote("a\ud800") == '"a\ufffd"'  # Go's JSON turned the bad bytes into U+FFFD


def test_json_html_escaping_and_separators() -> None:
    assert dumps({"a": "<&>", "b": [1, 2.5, None, True]}) == (
        '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,null,true]}')
    assert dumps("<&>", escape_html=False) == '"<&>"'
    assert dumps("\u2028é\b\f\x00") == '"\\u2028é\\b\\f\\u0000"'


@pytest.mark.parametrize("value, expected", [
    (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"), (0.000001, "0.000001"),
    (0.1, "0.1"), (-0.0, "-0"), (123456789.0, "123456789"),
])
def test_json_floats(value: float, expected: str) -> None:
    assert dumps(value) == expected


def test_json_indent_layout() -> None:
    assert dumps([{"a": [], "b": {}, "c": [1]}], "    ") == (
        '[\n    {\n        "a": [],\n        "b": {},\n        "c": [\n            1\n'
        "        ]\n    }\n]")


def test_json_go_types() -> None:
    s = GoStruct("T", {"A": "", "B": GoSlice(nil=True), "C": GoMap({"z": "1", "a": "2"})},
                 json=[JsonField("A", "a", omitempty=True), JsonField("B", "B"),
                       JsonField("C", "C")])
    assert dumps(s) == '{"B":null,"C":{"a":"2","z":"1"}}'
