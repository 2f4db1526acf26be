"""Property tests: the formatters never crash and keep their layout promises on any input."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.engine.formats import (
    TemplateError,
    display_ports,
    display_width,
    dumps,
    format_containers,
    human_duration,
    render,
    tabwrite,
)
from webapp.engine.formats.gotemplate import Template

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\v\f\r"),
    max_size=12)


@FAST
@given(st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.lists(st.lists(cell_text, min_size=n, max_size=n), min_size=1, max_size=6)))
def test_tabwrite_aligns_every_column_but_the_last(rows: list[list[str]]) -> None:
    ncols = len(rows[0])
    widths = [max(10, max(display_width(r[c]) for r in rows) + 3) for c in range(ncols - 1)]
    expected = "".join(
        "".join(r[c] + " " * (widths[c] - display_width(r[c])) for c in range(ncols - 1))
        + r[-1] + "\n"
        for r in rows)
    assert tabwrite(rows) == expected


@FAST
@given(st.text(max_size=60))
def test_tabwrite_accepts_any_text(text: str) -> None:
    tabwrite([[text, text], [text]])


template_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([
        "{{", "}}", "{{-", "-}}", " ", ".", ".Names", ".ID", "$", "$x", ":=", "=", "|", "(", ")",
        "if", "else", "end", "range", "with", "define", "template", "block", "break",
        "continue", "nil", "true", "1", "-2", "1.5", "'a'", '"s"', "`r`", "printf", "len",
        "index", "json", "split", "join", "pad", "truncate", "eq", "lt", "and", "or", "not",
        "%d", "%v", "\n", "{{/*", "*/}}", ",", "slice", "print", "html", "call",
    ]), max_size=25).map("".join),
)


@FAST
@given(template_text)
def test_template_engine_raises_only_template_errors(text: str) -> None:
    try:
        tmpl = Template(text)
    except TemplateError:
        return
    for data in ({"Names": "web", "ID": "abc", "l": [1, "a"], "m": {"k": None}}, None, 3):
        try:
            tmpl.execute(data)
        except TemplateError:
            pass


@FAST
@given(template_text)
def test_ps_with_any_format_raises_only_template_errors(text: str) -> None:
    summary = {"Id": "a" * 64, "Names": ["/web"], "Image": "nginx", "Command": "sleep 1",
               "Created": 0, "Ports": [], "Labels": {"a": "b"}, "State": "running",
               "Status": "Up 1 second"}
    try:
        format_containers([summary], fmt=text, now=10.0)
    except TemplateError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**60, 2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=12)


@FAST
@given(json_values)
def test_gojson_is_valid_json(value: object) -> None:
    # Go writes 3.8e16 as 38000000000000000, so compare numbers as floats.
    assert _floats(json.loads(dumps(value))) == _floats(value)
    assert _floats(json.loads(dumps(value, "    "))) == _floats(value)


def _floats(v: object) -> object:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [_floats(x) for x in v]
    assert isinstance(v, dict)
    return {k: _floats(x) for k, x in v.items()}


@FAST
@given(json_values)
def test_json_function_in_templates(value: object) -> None:
    assert _floats(json.loads(render("{{json .}}", value))) == _floats(value)


ports = st.lists(st.fixed_dictionaries({
    "PrivatePort": st.integers(1, 70),
    "Type": st.sampled_from(["tcp", "udp"]),
}, optional={"IP": st.sampled_from(["0.0.0.0", "::", "127.0.0.1"]),
             "PublicPort": st.integers(1, 70)}), max_size=8)


@FAST
@given(ports)
def test_display_ports_mentions_every_port(p: list[dict]) -> None:
    text = display_ports(p)
    for port in p:
        if "IP" in port and port.get("PublicPort", 0) != port["PrivatePort"]:
            assert f"->{port['PrivatePort']}/{port['Type']}" in text
    assert (text == "") == (not p)


@FAST
@given(st.floats(min_value=-1e6, max_value=1e11, allow_nan=False))
def test_human_duration_never_says_one_minute_or_hour(seconds: float) -> None:
    text = human_duration(seconds)
    assert text not in ("1 minute", "1 hour", "1 day", "1 week", "1 month", "0 seconds")
