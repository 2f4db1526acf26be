"""``docker events`` lines, checked against the real docker CLI.

Each case was recorded as ``docker events --since 0 --until ... [--format F]`` from the docker
CLI v28.2.2 reading ``EVENTS`` from a stub daemon (time zone UTC).
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from webapp.engine.formats import TemplateError, format_event, format_events

EVENTS = [{'status': 'create',
  'id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'from': 'alpine',
  'Type': 'container',
  'Action': 'create',
  'Actor': {'ID': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
            'Attributes': {'image': 'alpine', 'name': 'web', 'z': '<&>'}},
  'scope': 'local',
  'time': 1700000000,
  'timeNano': 1700000000123456789},
 {'Type': 'network',
  'Action': 'connect',
  'Actor': {'ID': 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn',
            'Attributes': {'container': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                           'name': 'bridge',
                           'type': 'bridge'}},
  'scope': 'local',
  'time': 1700000001,
  'timeNano': 1700000001000000000},
 {'Type': 'image',
  'Action': 'pull',
  'Actor': {'ID': 'alpine:latest', 'Attributes': {}},
  'scope': 'local',
  'time': 1700000002,
  'timeNano': 0},
 {'Type': 'container',
  'Action': 'health_status: healthy',
  'Actor': {'ID': 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'},
  'time': 1700000003,
  'timeNano': 1700000003000000001}]

CASES = [
    pytest.param(
        None,
        '2023-11-14T22:13:20.123456789Z container create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (image=alpine, name=web, z=<&>)\n2023-11-14T22:13:21.000000000Z network connect nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn (container=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, name=bridge, type=bridge)\n2023-11-14T22:13:22.000000000Z image pull alpine:latest\n2023-11-14T22:13:23.000000001Z container health_status: healthy bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n',
        '',
        0,
        id='events-0',
    ),
    pytest.param(
        'json',
        '{"status":"create","id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","from":"alpine","Type":"container","Action":"create","Actor":{"ID":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","Attributes":{"image":"alpine","name":"web","z":"<&>"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}\n{"Type":"network","Action":"connect","Actor":{"ID":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn","Attributes":{"container":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","name":"bridge","type":"bridge"}},"scope":"local","time":1700000001,"timeNano":1700000001000000000}\n{"Type":"image","Action":"pull","Actor":{"ID":"alpine:latest","Attributes":{}},"scope":"local","time":1700000002}\n{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","Attributes":null},"time":1700000003,"timeNano":1700000003000000001}\n',
        '',
        0,
        id='events-1',
    ),
    pytest.param(
        '{{json .}}',
        '{"status":"create","id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","from":"alpine","Type":"container","Action":"create","Actor":{"ID":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","Attributes":{"image":"alpine","name":"web","z":"<&>"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}\n{"Type":"network","Action":"connect","Actor":{"ID":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn","Attributes":{"container":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","name":"bridge","type":"bridge"}},"scope":"local","time":1700000001,"timeNano":1700000001000000000}\n{"Type":"image","Action":"pull","Actor":{"ID":"alpine:latest","Attributes":{}},"scope":"local","time":1700000002}\n{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","Attributes":null},"time":1700000003,"timeNano":1700000003000000001}\n',
        '',
        0,
        id='events-2',
    ),
    pytest.param(
        '{{.}}',
        '{create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa alpine container create {aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa map[image:alpine name:web z:<&>]} local 1700000000 1700000000123456789}\n{   network connect {nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn map[container:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa name:bridge type:bridge]} local 1700000001 1700000001000000000}\n{   image pull {alpine:latest map[]} local 1700000002 0}\n{   container health_status: healthy {bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb map[]}  1700000003 1700000003000000001}\n',
        '',
        0,
        id='events-3',
    ),
    pytest.param(
        '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}} {{.Time}} {{.TimeNano}} {{.Status}} {{.ID}} {{.From}} {{.Scope}}',
        'container create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa web 1700000000 1700000000123456789 create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa alpine local\nnetwork connect nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn bridge 1700000001 1700000001000000000    local\nimage pull alpine:latest <no value> 1700000002 0    local\ncontainer health_status: healthy bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb <no value> 1700000003 1700000003000000001    \n',
        '',
        0,
        id='events-4',
    ),
    pytest.param(
        '{{lower .Type}}',
        '',
        'Error parsing format: template: :1:8: executing "" at <.Type>: wrong type for value; expected string; got events.Type\n',
        64,
        id='events-5',
    ),
    pytest.param(
        '{{printf "%T %T %T %T" .Type .Action .Actor .Time}}',
        'events.Type events.Action events.Actor int64\nevents.Type events.Action events.Actor int64\nevents.Type events.Action events.Actor int64\nevents.Type events.Action events.Actor int64\n',
        '',
        0,
        id='events-6',
    ),
    pytest.param(
        '{{.Type}}\\t{{.Action}}',
        'container\\tcreate\nnetwork\\tconnect\nimage\\tpull\ncontainer\\thealth_status: healthy\n',
        '',
        0,
        id='events-7',
    ),
    pytest.param(
        '{{index .Actor.Attributes "name"}}',
        'web\nbridge\n\n\n',
        '',
        0,
        id='events-8',
    ),
    pytest.param(
        '{{if eq .Type "network"}}{{.Foo}}{{end}}',
        '\n\n',
        'template: :1:27: executing "" at <.Foo>: can\'t evaluate field Foo in type events.Message\n',
        1,
        id='events-9',
    ),
    pytest.param(
        '{{.Foo}}',
        '',
        'Error parsing format: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *events.Message\n',
        64,
        id='events-10',
    ),
    pytest.param(
        '{{.ID',
        '',
        'Error parsing format: template: :1: unclosed action\n',
        64,
        id='events-11',
    ),
    pytest.param(
        '{{range $k, $v := .Actor.Attributes}}{{$k}}={{$v}};{{end}}',
        'image=alpine;name=web;z=<&>;\ncontainer=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;name=bridge;type=bridge;\n\n\n',
        '',
        0,
        id='events-12',
    ),
    pytest.param(
        '{{.Actor.Attributes}}',
        'map[image:alpine name:web z:<&>]\nmap[container:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa name:bridge type:bridge]\nmap[]\nmap[]\n',
        '',
        0,
        id='events-13',
    ),
]


def run_events(fmt: str | None) -> tuple[str, str, int]:
    try:
        return format_events(EVENTS, fmt), "", 0
    except TemplateError as e:
        return e.stdout, e.stderr + e.message + "\n", e.exit_code


@pytest.mark.parametrize("fmt, stdout, stderr, code", CASES)
def test_events_match_docker_cli(fmt: str | None, stdout: str, stderr: str, code: int) -> None:
    assert run_events(fmt) == (stdout, stderr, code)


def test_default_line_in_another_time_zone() -> None:
    event = {"Type": "container", "Action": "kill", "Actor": {"ID": "0fdb", "Attributes": {
        "signal": "15", "name": "test", "image": "alpine:latest"}},
        "time": 1483547769, "timeNano": 1483547769830268747}
    tz = timezone(timedelta(hours=8))
    assert format_event(event, tz=tz) == (
        "2017-01-05T00:36:09.830268747+08:00 container kill 0fdb "
        "(image=alpine:latest, name=test, signal=15)\n")


def test_json_field_order() -> None:
    event = {"status": "die", "id": "c1", "from": "alpine", "Type": "container",
             "Action": "die", "Actor": {"ID": "c1", "Attributes": {"exitCode": "0"}},
             "scope": "local", "time": 1, "timeNano": 1000000000}
    assert format_event(event, "json") == (
        '{"status":"die","id":"c1","from":"alpine","Type":"container","Action":"die",'
        '"Actor":{"ID":"c1","Attributes":{"exitCode":"0"}},"scope":"local","time":1,'
        '"timeNano":1000000000}\n')
