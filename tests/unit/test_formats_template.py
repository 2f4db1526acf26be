"""The Go template engine behind ``--format``, checked against the real docker CLI.

Every case in ``CASES`` was run as ``docker ps --format <template>`` by the docker CLI v28.2.2
against a stub daemon serving the one container summary ``WEB``; the expected stdout, stderr
and exit code are what that client printed. (The only deliberate difference: ``truncate``
cutting a UTF-8 character in half yields U+FFFD here instead of a raw byte.)
"""

from __future__ import annotations

import pytest

from webapp.engine.formats import ExecError, ParseError, Template, TemplateError, format_containers
from webapp.engine.formats.gofmt import GoMap, GoSlice, GoStruct, sprintf
from webapp.engine.formats.gotemplate import MAX_OUTPUT, render

WEB = {'Id': '0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc',
 'Names': ['/web'],
 'Image': 'alpine',
 'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
 'Command': "nginx -g 'daemon off;'",
 'Created': 1795347382,
 'Ports': [{'PrivatePort': 80, 'Type': 'tcp'}],
 'Labels': {'com.example.b': '2', 'a': 'x<y>&z', 'e': ''},
 'State': 'running',
 'Status': 'Up 5 minutes (healthy)',
 'HostConfig': {'NetworkMode': 'default'},
 'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.2',
                                             'GlobalIPv6Address': ''},
                                  'alpha': {'IPAddress': '10.0.0.5',
                                            'GlobalIPv6Address': 'fd00::5'}}},
 'Mounts': [{'Type': 'volume',
             'Name': '0123456789abcdef0123',
             'Source': '/var/lib/x',
             'Destination': '/data',
             'Driver': 'local',
             'Mode': '',
             'RW': True,
             'Propagation': ''},
            {'Type': 'bind',
             'Source': '/home/user/some/long/path',
             'Destination': '/src',
             'Mode': '',
             'RW': True,
             'Propagation': 'rprivate'}],
 'SizeRw': 12345,
 'SizeRootFs': 187000000}

CASES = [
    pytest.param(
        '{{.ID}}|{{.Names}}|{{.Image}}|{{.Command}}|{{.Status}}|{{.State}}|{{.Ports}}',
        '0123456789ab|web|alpine|"nginx -g \'daemon of…"|Up 5 minutes (healthy)|running|80/tcp\n',
        '',
        0,
        id='ps_out-0',
    ),
    pytest.param(
        '{{.Size}}',
        '12.3kB (virtual 187MB)\n',
        '',
        0,
        id='ps_out-1',
    ),
    pytest.param(
        '{{.Labels}}|{{.Label "a"}}|{{.Label "nope"}}|{{.Label "com.example.b"}}',
        'a=x<y>&z,com.example.b=2,e=|x<y>&z||2\n',
        '',
        0,
        id='ps_out-2',
    ),
    pytest.param(
        '{{.Mounts}}|{{.LocalVolumes}}|{{.Networks}}',
        '0123456789abcd…,/home/user/som…|1|bridge,alpha\n',
        '',
        0,
        id='ps_out-3',
    ),
    pytest.param(
        '{{json .}}',
        '{"Command":"\\"nginx -g \'daemon of…\\"","CreatedAt":"2026-11-22 11:36:22 +0000 UTC","ID":"0123456789ab","Image":"alpine","Labels":"a=x\\u003cy\\u003e\\u0026z,com.example.b=2,e=","LocalVolumes":"1","Mounts":"0123456789abcd…,/home/user/som…","Names":"web","Networks":"bridge,alpha","Platform":null,"Ports":"80/tcp","RunningFor":"5 minutes ago","Size":"12.3kB (virtual 187MB)","State":"running","Status":"Up 5 minutes (healthy)"}\n',
        '',
        0,
        id='ps_out-6',
    ),
    pytest.param(
        '{{json .Names}}|{{json .Labels}}|{{json .Size}}',
        '"web"|"a=x<y>&z,com.example.b=2,e="|"12.3kB (virtual 187MB)"\n',
        '',
        0,
        id='ps_out-7',
    ),
    pytest.param(
        '{{printf "%v|%s|%d|%q|%x|%X|%t" 1234567.0 "a" 42 "q\\"" 255 "hi" true}}',
        '1.234567e+06|a|42|"q\\""|ff|6869|true\n',
        '',
        0,
        id='ps_out-8',
    ),
    pytest.param(
        '{{printf "%v %v %v %v %v %v" 1e6 123456.0 0.000012 1e21 1e20 -0.0}}',
        '1e+06 123456 1.2e-05 1e+21 1e+20 -0\n',
        '',
        0,
        id='ps_out-9',
    ),
    pytest.param(
        '{{printf "%5d|%-5s|%05d|%+d|%x|%o|%b|%c|%U" 42 "ab" 42 42 -255 8 5 65 65}}',
        '   42|ab   |00042|+42|-ff|10|101|A|U+0041\n',
        '',
        0,
        id='ps_out-10',
    ),
    pytest.param(
        '{{printf "%s %d" 42 "x"}}',
        '%!s(int=42) %!d(string=x)\n',
        '',
        0,
        id='ps_out-11',
    ),
    pytest.param(
        '{{printf "%d"}}|{{printf "%d %d" 1}}|{{printf "%d" 1 2}}',
        '%!d(MISSING)|1 %!d(MISSING)|1%!(EXTRA int=2)\n',
        '',
        0,
        id='ps_out-12',
    ),
    pytest.param(
        '{{printf "%v %s %d" nil nil nil}}',
        '<nil> %!s(<nil>) %!d(<nil>)\n',
        '',
        0,
        id='ps_out-13',
    ),
    pytest.param(
        '{{printf "%.2f|%8.3f|%e|%g|%G|%E" 3.14159 2.5 123456.789 0.00001234 1e-7 1.5}}',
        '3.14|   2.500|1.234568e+05|1.234e-05|1E-07|1.500000E+00\n',
        '',
        0,
        id='ps_out-14',
    ),
    pytest.param(
        '{{printf "%q|%q|%x|% x|%#x|%#v" "a\\tb☺\\x01" \'x\' "héllo" "abc" "abc" "s"}}',
        '"a\\tb☺\\x01"|\'x\'|68c3a96c6c6f|61 62 63|0x616263|"s"\n',
        '',
        0,
        id='ps_out-15',
    ),
    pytest.param(
        '{{printf "%v|%v" (split "a,b,c" ",") (split "" ",")}}',
        '[a b c]|[]\n',
        '',
        0,
        id='ps_out-16',
    ),
    pytest.param(
        '{{printf "%s|%q|%d" (split "a,b" ",") (split "a,b" ",") (split "a,b" ",")}}',
        '[a b]|["a" "b"]|[%!d(string=a) %!d(string=b)]\n',
        '',
        0,
        id='ps_out-17',
    ),
    pytest.param(
        '{{print 1 2 "a" "b" 3 true nil}}|{{println 1 "a" 2}}|{{print}}',
        '1 2ab3 true <nil>|1 a 2\n|\n',
        '',
        0,
        id='ps_out-18',
    ),
    pytest.param(
        '{{len "héllo"}}|{{len (split "a,b" ",")}}|{{index "abc" 1}}|{{index (split "a,b" ",") 1}}',
        '6|2|98|b\n',
        '',
        0,
        id='ps_out-19',
    ),
    pytest.param(
        '{{slice "abcdef" 1 3}}|{{slice "abc" 1}}|{{slice "abc"}}',
        'bc|bc|abc\n',
        '',
        0,
        id='ps_out-20',
    ),
    pytest.param(
        '{{eq 1 1}}|{{eq "a" "b" "a"}}|{{ne 1 2}}|{{lt 1 2}}|{{le 2 2}}|{{gt "b" "a"}}|{{ge 1.5 1.5}}',
        'true|true|true|true|true|true|true\n',
        '',
        0,
        id='ps_out-21',
    ),
    pytest.param(
        '{{eq 1 "a"}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison\n',
        1,
        id='ps_out-22',
    ),
    pytest.param(
        '{{lt true false}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison\n',
        1,
        id='ps_out-23',
    ),
    pytest.param(
        '{{and 1 0 2}}|{{or 0 "" "x"}}|{{not 0}}|{{and}}',
        '',
        'failed to execute template: template: :1:42: executing "" at <and>: wrong number of args for and: want at least 1 got 0\n',
        1,
        id='ps_out-24',
    ),
    pytest.param(
        '{{or 0 ""}}|{{and 1 2}}|{{not ""}}',
        '|2|true\n',
        '',
        0,
        id='ps_out-25',
    ),
    pytest.param(
        '{{lower "ÀBC"}}|{{upper "àbc ß"}}|{{title "hello wORLD-x y_z"}}|{{pad "x" 2 3}}|{{pad "" 2 3}}|{{truncate "hello" 3}}|{{truncate "hi" 5}}|{{truncate "héllo" 2}}',
        'àbc|ÀBC ß|Hello WORLD-X Y_z|  x   ||hel|hi|h�\n',
        '',
        0,
        id='ps_out-26',
    ),
    pytest.param(
        '{{join (split "a b c" " ") "-"}}|{{split "a,b" ","}}|{{json (split "a,b" ",")}}',
        'a-b-c|[a b]|["a","b"]\n',
        '',
        0,
        id='ps_out-27',
    ),
    pytest.param(
        '{{join .Names ","}}',
        '',
        'failed to execute template: template: :1:7: executing "" at <.Names>: wrong type for value; expected []string; got string\n',
        1,
        id='ps_out-28',
    ),
    pytest.param(
        '{{if .Labels}}yes{{else}}no{{end}}|{{if eq .State "running"}}R{{else if eq .State "exited"}}E{{else}}O{{end}}',
        'yes|R\n',
        '',
        0,
        id='ps_out-29',
    ),
    pytest.param(
        '{{with .Label "a"}}[{{.}}]{{end}}|{{with .Label "nope"}}[{{.}}]{{else}}none{{end}}',
        '[x<y>&z]|none\n',
        '',
        0,
        id='ps_out-30',
    ),
    pytest.param(
        '{{range $i, $v := split "x y z" " "}}{{$i}}={{$v}};{{end}}|{{range split "" ","}}[{{.}}]{{else}}empty{{end}}',
        '0=x;1=y;2=z;|[]\n',
        '',
        0,
        id='ps_out-31',
    ),
    pytest.param(
        '{{range $v := split "a b" " "}}{{$v}}{{end}}|{{$x := "hi"}}{{$x}}|{{$x := 1}}{{$x = 2}}{{$x}}',
        'ab|hi|2\n',
        '',
        0,
        id='ps_out-32',
    ),
    pytest.param(
        '{{- /* comment */ -}} A {{- " B " -}} C {{ "D" }}',
        'A B C D\n',
        '',
        0,
        id='ps_out-33',
    ),
    pytest.param(
        '{{range split "a b c" " "}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}|{{range split "a b c" " "}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}',
        'ac|a\n',
        '',
        0,
        id='ps_out-34',
    ),
    pytest.param(
        '{{html "<a href=\'x\'>&\\"</a>"}}|{{js "a\'b\\"c<d>&=\\n"}}|{{urlquery "a b&c=d/é"}}',
        '',
        'template parsing error: template: :1: unterminated quoted string\n',
        1,
        id='ps_out-35',
    ),
    pytest.param(
        '{{.Names | printf "%s-%s" "x"}}|{{"abc" | len}}|{{.ID | len | printf "%03d"}}',
        'x-web|3|012\n',
        '',
        0,
        id='ps_out-36',
    ),
    pytest.param(
        '{{nil}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <nil>: nil is not a command\n',
        1,
        id='ps_out-37',
    ),
    pytest.param(
        '{{.Names 1}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <.Names>: wrong number of args for Names: want 0 got 1\n',
        1,
        id='ps_out-38',
    ),
    pytest.param(
        '{{.Label}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0\n',
        1,
        id='ps_out-39',
    ),
    pytest.param(
        '{{.Label 1}}',
        '',
        'failed to execute template: template: :1:9: executing "" at <1>: expected string; found 1\n',
        1,
        id='ps_out-40',
    ),
    pytest.param(
        '{{.Label "a" "b"}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 2\n',
        1,
        id='ps_out-41',
    ),
    pytest.param(
        '{{index .Names 1}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <index .Names 1>: error calling index: index out of range: 1\n',
        1,
        id='ps_out-42',
    ),
    pytest.param(
        '{{index .Labels "a"}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <index .Labels "a">: error calling index: cannot index slice/array with type string\n',
        1,
        id='ps_out-43',
    ),
    pytest.param(
        '{{len .ID 2}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 2\n',
        1,
        id='ps_out-44',
    ),
    pytest.param(
        '{{len 3}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <len 3>: error calling len: len of type int\n',
        1,
        id='ps_out-45',
    ),
    pytest.param(
        '{{index nil 1}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <index nil 1>: error calling index: index of untyped nil\n',
        1,
        id='ps_out-46',
    ),
    pytest.param(
        '{{slice "abc" 2 1}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1\n',
        1,
        id='ps_out-47',
    ),
    pytest.param(
        '{{"x" | .Names}}',
        '',
        'failed to execute template: template: :1:8: executing "" at <.Names>: wrong number of args for Names: want 0 got 1\n',
        1,
        id='ps_out-48',
    ),
    pytest.param(
        '{{$nope}}',
        '',
        'failed to parse template: template: :1: undefined variable "$nope"\n',
        1,
        id='ps_out-50',
    ),
    pytest.param(
        '{{.ID.X.Y}}',
        '',
        'failed to execute template: template: :1:5: executing "" at <.ID.X.Y>: can\'t evaluate field X in type string\n',
        1,
        id='ps_out-51',
    ),
    pytest.param(
        '{{(.ID).Foo}}',
        '',
        'failed to execute template: template: :1:3: executing "" at <.ID>: can\'t evaluate field Foo in type string\n',
        1,
        id='ps_out-52',
    ),
    pytest.param(
        '{{1.Foo}}',
        '',
        'failed to parse template: template: :1: bad number syntax: "1.F"\n',
        1,
        id='ps_out-53',
    ),
    pytest.param(
        '{{true | not}}',
        'false\n',
        '',
        0,
        id='ps_out-54',
    ),
    pytest.param(
        '{{1 | 2}}',
        '',
        'failed to parse template: template: :1: non executable command in pipeline stage 2\n',
        1,
        id='ps_out-55',
    ),
    pytest.param(
        '{{printf "%s" | len}}',
        '12\n',
        '',
        0,
        id='ps_out-56',
    ),
    pytest.param(
        '{{template "x"}}',
        '',
        'failed to execute template: template: :1:11: executing "" at <{{template "x"}}>: template "x" not defined\n',
        1,
        id='ps_out-57',
    ),
    pytest.param(
        '{{define "x"}}X{{end}}{{template "x" .Names}}',
        'X\n',
        '',
        0,
        id='ps_out-58',
    ),
    pytest.param(
        '{{block "b" .}}B{{.Names}}{{end}}',
        'Bweb\n',
        '',
        0,
        id='ps_out-59',
    ),
    pytest.param(
        '{{json}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <json>: wrong number of args for json: want 1 got 0\n',
        1,
        id='ps_out-60',
    ),
    pytest.param(
        '{{split "a" 1}}',
        '',
        'failed to execute template: template: :1:12: executing "" at <1>: expected string; found 1\n',
        1,
        id='ps_out-61',
    ),
    pytest.param(
        '{{pad "a" "1" 2}}',
        '',
        'failed to execute template: template: :1:10: executing "" at <"1">: expected integer; found "1"\n',
        1,
        id='ps_out-62',
    ),
    pytest.param(
        '{{truncate .Names -1}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <truncate .Names -1>: error calling truncate: runtime error: slice bounds out of range [:-1]\n',
        1,
        id='ps_out-63',
    ),
    pytest.param(
        '{{truncate "abc" 9999999999999999999}}',
        '',
        'failed to execute template: template: :1:17: executing "" at <9999999999999999999>: expected integer; found 9999999999999999999\n',
        1,
        id='ps_out-64',
    ),
    pytest.param(
        '{{printf "%d" 9223372036854775807}}|{{printf "%d" 0x1F}}|{{printf "%d" 0o17}}|{{printf "%d" 0b101}}|{{printf "%v" 1_000}}|{{printf "%v" \'a\'}}|{{printf "%v" 1i}}|{{printf "%v" 0x1p4}}',
        '9223372036854775807|31|15|5|1000|97|(0+1i)|16\n',
        '',
        0,
        id='ps_out-65',
    ),
    pytest.param(
        '{{printf "%v" 99999999999999999999}}',
        '',
        'failed to parse template: template: :1: integer overflow: "99999999999999999999"\n',
        1,
        id='ps_out-66',
    ),
    pytest.param(
        '{{3 .X}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <3>: can\'t give argument to non-function 3\n',
        1,
        id='ps_out-67',
    ),
    pytest.param(
        '{{if 1}}a{{else}}b{{else}}c{{end}}',
        '',
        'failed to parse template: template: :1: expected end; found {{else}}\n',
        1,
        id='ps_out-68',
    ),
    pytest.param(
        '{{else}}',
        '',
        'failed to parse template: template: :1: unexpected {{else}}\n',
        1,
        id='ps_out-70',
    ),
    pytest.param(
        '{{with $x := 1}}{{$x}}{{end}}{{$x}}',
        '',
        'failed to parse template: template: :1: undefined variable "$x"\n',
        1,
        id='ps_out-71',
    ),
    pytest.param(
        '{{.ID}',
        '',
        "failed to parse template: template: :1: bad character U+007D '}'\n",
        1,
        id='ps_out-72',
    ),
    pytest.param(
        '{{.ID}}}}',
        '0123456789ab}}\n',
        '',
        0,
        id='ps_out-73',
    ),
    pytest.param(
        '{{ .ID -}}|{{- .ID }}|{{-3}}|{{3 -}}',
        '0123456789ab|0123456789ab|-3|3\n',
        '',
        0,
        id='ps_out-74',
    ),
    pytest.param(
        '{{"unterminated}}',
        '',
        'failed to parse template: template: :1: unterminated quoted string\n',
        1,
        id='ps_out-75',
    ),
    pytest.param(
        "{{'ab'}}",
        '',
        "failed to parse template: template: :1: malformed character constant: 'ab'\n",
        1,
        id='ps_out-76',
    ),
    pytest.param(
        '{{"\\z"}}',
        '',
        'failed to parse template: template: :1: invalid syntax\n',
        1,
        id='ps_out-77',
    ),
    pytest.param(
        '{{.ID |}}',
        '0123456789ab\n',
        '',
        0,
        id='ps_out-78',
    ),
    pytest.param(
        '{{| .ID}}',
        '',
        'failed to parse template: template: :1: unexpected "|" in command\n',
        1,
        id='ps_out-79',
    ),
    pytest.param(
        '{{(1}}',
        '',
        'failed to parse template: template: :1: unclosed left paren\n',
        1,
        id='ps_out-80',
    ),
    pytest.param(
        '{{1)}}',
        '',
        'failed to parse template: template: :1: unexpected right paren\n',
        1,
        id='ps_out-81',
    ),
    pytest.param(
        '{{@}}',
        '',
        'failed to parse template: template: :1: unexpected "@" in command\n',
        1,
        id='ps_out-82',
    ),
    pytest.param(
        '{{.ID:=1}}',
        '',
        'failed to parse template: template: :1: unexpected ":=" in operand\n',
        1,
        id='ps_out-83',
    ),
    pytest.param(
        '{{$x:=1}}{{$x}}',
        '1\n',
        '',
        0,
        id='ps_out-84',
    ),
    pytest.param(
        '{{range $a, $b, $c := .}}{{end}}',
        '',
        'failed to parse template: template: :1: too many declarations in range\n',
        1,
        id='ps_out-85',
    ),
    pytest.param(
        '{{range $a, 1 := .}}{{end}}',
        '',
        'failed to parse template: template: :1: range can only initialize variables\n',
        1,
        id='ps_out-86',
    ),
    pytest.param(
        '{{with $a, $b := .}}{{end}}',
        '',
        'failed to parse template: template: :1: too many declarations in with\n',
        1,
        id='ps_out-87',
    ),
    pytest.param(
        '{{/* unclosed',
        '',
        'failed to parse template: template: :1: unclosed comment\n',
        1,
        id='ps_out-88',
    ),
    pytest.param(
        '{{/* a */ x}}',
        '',
        'failed to parse template: template: :1: comment ends before closing delimiter\n',
        1,
        id='ps_out-89',
    ),
    pytest.param(
        '{{.ID',
        '',
        'failed to parse template: template: :1: unclosed action\n',
        1,
        id='ps_out-90',
    ),
    pytest.param(
        '}}',
        '}}\n',
        '',
        0,
        id='ps_out-91',
    ),
    pytest.param(
        '{{if .ID}}',
        '',
        'failed to parse template: template: :1: unexpected EOF\n',
        1,
        id='ps_out-92',
    ),
    pytest.param(
        'x',
        'x\n',
        '',
        0,
        id='ps_out-93',
    ),
    pytest.param(
        '{{end',
        '',
        'failed to parse template: template: :1: unclosed action\n',
        1,
        id='ps_out-94',
    ),
    pytest.param(
        '{{range 3}}{{.}}{{end}}',
        '012\n',
        '',
        0,
        id='ps_out2-0',
    ),
    pytest.param(
        '{{range $i := 3}}{{$i}}{{end}}',
        '012\n',
        '',
        0,
        id='ps_out2-1',
    ),
    pytest.param(
        '{{range $i, $j := 3}}{{$i}}{{end}}',
        '',
        'failed to execute template: template: :1:18: executing "" at <3>: can\'t use 3 to iterate over more than one variable\n',
        1,
        id='ps_out2-2',
    ),
    pytest.param(
        '{{break}}',
        '',
        'failed to parse template: template: :1: {{break}} outside {{range}}\n',
        1,
        id='ps_out2-3',
    ),
    pytest.param(
        '{{range .Names}}{{end}}',
        '',
        'failed to execute template: template: :1:8: executing "" at <.Names>: range can\'t iterate over \n',
        1,
        id='ps_out2-4',
    ),
    pytest.param(
        '{{with .Names}}A{{else with .ID}}B{{end}}|{{with ""}}A{{else with .ID}}B{{.}}{{end}}',
        'A|B0123456789ab\n',
        '',
        0,
        id='ps_out2-5',
    ),
    pytest.param(
        '{{if false}}a{{else if false}}b{{else if true}}c{{end}}',
        'c\n',
        '',
        0,
        id='ps_out2-6',
    ),
    pytest.param(
        '{{printf "%[2]d %[1]d" 1 2}}|{{printf "%*d|%-*d|" 5 3 4 7}}|{{printf "%-8.3s|" "abcdef"}}|{{printf "%08.3f" -3.14159}}|{{printf "%6.2v" 3.14159}}',
        '2 1|    3|7   ||abc     ||-003.142|   3.1\n',
        '',
        0,
        id='ps_out2-7',
    ),
    pytest.param(
        '{{printf "%x %X %o %b %e" 3.5 -2.25 8 5 0.0}}',
        '0x1.cp+01 -0X1.2P+01 10 101 0.000000e+00\n',
        '',
        0,
        id='ps_out2-8',
    ),
    pytest.param(
        '{{printf "%[3]d"}}|{{printf "%[0]d" 1}}|{{printf "%!"}}|{{printf "%z" 1}}|{{printf "%" }}|{{printf "%.*d" -1 5}}|{{printf "%d %d" 1 2 3}}',
        '%!d(BADINDEX)|%!d(BADINDEX)|%!!(MISSING)|%!z(int=1)|%!(NOVERB)|%!(BADPREC)5|1 2%!(EXTRA int=3)\n',
        '',
        0,
        id='ps_out2-9',
    ),
    pytest.param(
        '{{printf "%v %v" (index .Names) (slice "héllo" 1 3)}}',
        'web é\n',
        '',
        0,
        id='ps_out2-10',
    ),
    pytest.param(
        '{{eq .Names nil}}',
        'false\n',
        '',
        0,
        id='ps_out2-11',
    ),
    pytest.param(
        '{{eq nil nil}}',
        'true\n',
        '',
        0,
        id='ps_out2-12',
    ),
    pytest.param(
        '{{ne .Names "web"}}|{{lt "a" "b"}}|{{lt 1 2.5}}|{{le 1 1}}',
        '',
        'failed to execute template: template: :1:37: executing "" at <lt 1 2.5>: error calling lt: incompatible types for comparison\n',
        1,
        id='ps_out2-13',
    ),
    pytest.param(
        '{{"a" | printf "%s%s" "b"}}|{{len .Names | eq 3}}|{{.Names | len | printf "%d chars"}}',
        'ba|true|3 chars\n',
        '',
        0,
        id='ps_out2-14',
    ),
    pytest.param(
        '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}|{{range $i, $e := split "a b" " "}}{{$x = $e}}{{end}}{{$x}}',
        '2|b\n',
        '',
        0,
        id='ps_out2-15',
    ),
    pytest.param(
        'é {{.Foo}}',
        '',
        'failed to execute template: template: :1:5: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n',
        1,
        id='ps_out2-17',
    ),
    pytest.param(
        'line1',
        'line1\n',
        '',
        0,
        id='ps_out2-18',
    ),
    pytest.param(
        '{{.Foo}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n',
        1,
        id='ps_out2-19',
    ),
    pytest.param(
        '{{if .ID}}',
        '',
        'failed to parse template: template: :1: unexpected EOF\n',
        1,
        id='ps_out2-20',
    ),
    pytest.param(
        '{{end}}{{.Nope}}',
        '',
        'failed to parse template: template: :1: unexpected {{end}}\n',
        1,
        id='ps_out2-21',
    ),
    pytest.param(
        '{{template "t" 1}}{{define "t"}}[{{.}}|{{$}}]{{end}}',
        '[1|1]\n',
        '',
        0,
        id='ps_out2-22',
    ),
    pytest.param(
        '{{define "r"}}{{if lt . 3}}{{.}}{{template "r" (len (printf "%*s" (len (printf "%d" .)) ""))}}{{end}}{{end}}{{template "r" 0}}',
        '',
        'failed to execute template: template: :1:43: executing "r" at <{{template "r" (len (printf "%*s" (len (printf "%d" .)) ""))}}>: exceeded maximum template depth (100000)\n',
        1,
        id='ps_out2-23',
    ),
    pytest.param(
        '{{printf "%s" (html "<b>")}}|{{js "x\'y"}}|{{urlquery "a b"}}|{{print (urlquery "é&")}}',
        "&lt;b&gt;|x\\'y|a+b|%C3%A9%26\n",
        '',
        0,
        id='ps_out2-24',
    ),
    pytest.param(
        '{{call .ID}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <call .ID>: error calling call: non-function .ID of type string\n',
        1,
        id='ps_out2-25',
    ),
    pytest.param(
        '{{call}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <call>: wrong number of args for call: want at least 1 got 0\n',
        1,
        id='ps_out2-26',
    ),
    pytest.param(
        '{{index .Labels}}',
        'a=x<y>&z,com.example.b=2,e=\n',
        '',
        0,
        id='ps_out2-27',
    ),
    pytest.param(
        '{{slice (split "a b c d" " ") 1 3}}|{{slice (split "a b c d" " ") 1 2 3}}',
        '[b c]|[b]\n',
        '',
        0,
        id='ps_out2-28',
    ),
    pytest.param(
        '{{not .Names}}|{{not ""}}|{{and .Names 0}}|{{or "" .Names}}|{{and 1 (.Foo)}}',
        '',
        'failed to execute template: template: :1:69: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n',
        1,
        id='ps_out2-29',
    ),
    pytest.param(
        '{{or 1 .Foo}}',
        '1\n',
        '',
        0,
        id='ps_out2-30',
    ),
    pytest.param(
        '{{with $x := .Names}}{{$x}}{{end}}',
        'web\n',
        '',
        0,
        id='ps_out2-31',
    ),
    pytest.param(
        '{{title "ǆemal ﬁne ßtraße"}}|{{upper "ǆ ﬁ ß"}}|{{lower "İSTANBUL ǅ"}}',
        'ǅemal ﬁne ßtraße|Ǆ ﬁ ß|istanbul ǆ\n',
        '',
        0,
        id='ps_out2-33',
    ),
    pytest.param(
        '{{split "a,b,c" ""}}|{{split "" ""}}|{{join (split "" ",") "+"}}',
        '[a , b , c]|[]|\n',
        '',
        0,
        id='ps_out2-34',
    ),
    pytest.param(
        '{{printf "%q" "\\u00a0\\u200b\\ufeff"}}|{{printf "%+q" "é日"}}|{{printf "%#q" "a`b"}}|{{printf "%#q" "ab"}}',
        '"\\u00a0\\u200b\\ufeff"|"\\u00e9\\u65e5"|"a`b"|`ab`\n',
        '',
        0,
        id='ps_out2-35',
    ),
    pytest.param(
        '{{printf "%5.1f|%-6d|% d|%+.2e" 2.25 -3 5 12345.678}}',
        '  2.2|-3    | 5|+1.23e+04\n',
        '',
        0,
        id='ps_out2-36',
    ),
    pytest.param(
        '{{printf "%t %t" true 1}}',
        'true %!t(int=1)\n',
        '',
        0,
        id='ps_out2-37',
    ),
    pytest.param(
        '{{printf "%c|%q|%U|%#U" 0x1F600 0x1F600 0x1F600 0x1F600}}',
        "😀|'😀'|U+1F600|U+1F600 '😀'\n",
        '',
        0,
        id='ps_out2-38',
    ),
    pytest.param(
        '{{printf "%v|%d" \'x\' \'é\'}}',
        '120|233\n',
        '',
        0,
        id='ps_out2-39',
    ),
    pytest.param(
        '{{printf "%.0f %.0f %.0f" 0.5 1.5 2.5}}',
        '0 2 2\n',
        '',
        0,
        id='ps_out2-40',
    ),
    pytest.param(
        '{{printf "%g %g %g" 100000.0 1000000.0 1e-5}}',
        '100000 1e+06 1e-05\n',
        '',
        0,
        id='ps_out2-41',
    ),
    pytest.param(
        '{{printf "%.3g|%.10g|%g" 1234.5678 1.0 0.0}}',
        '1.23e+03|1|0\n',
        '',
        0,
        id='ps_out2-42',
    ),
    pytest.param(
        '{{1.5}}|{{-0x10}}|{{1e3}}|{{0x1p-2}}|{{\'\\n\'}}|{{"\\x41\\101\\u00e9"}}|{{`raw\\n`}}',
        '',
        'template parsing error: template: :1: unterminated character constant\n',
        1,
        id='ps_out2-43',
    ),
    pytest.param(
        '{{printf "%T %T %T %T %T" 1 1.5 "s" true nil}}',
        'int float64 string bool <nil>\n',
        '',
        0,
        id='ps_out2-44',
    ),
    pytest.param(
        '{{.Names.Foo}}',
        '',
        'failed to execute template: template: :1:8: executing "" at <.Names.Foo>: can\'t evaluate field Foo in type string\n',
        1,
        id='ps_out2-45',
    ),
    pytest.param(
        '{{len}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 0\n',
        1,
        id='ps_out2-46',
    ),
    pytest.param(
        '{{index 1 2}}',
        '',
        'failed to execute template: template: :1:2: executing "" at <index 1 2>: error calling index: can\'t index item of type int\n',
        1,
        id='ps_out2-47',
    ),
    pytest.param(
        '{{html}}',
        '\n',
        '',
        0,
        id='ps_out2-48',
    ),
    pytest.param(
        '{{printf "%d" (len .)}}',
        '',
        'failed to execute template: template: :1:15: executing "" at <len .>: error calling len: len of type formatter.ContainerContext\n',
        1,
        id='ps_out2-49',
    ),
]

NOW = WEB["Created"] + 300


def run_ps(fmt: str, summaries: list[dict] | None = None, **kw: object) -> tuple[str, str, int]:
    """stdout, stderr and exit code of ``docker ps --format fmt`` (v28 client)."""
    try:
        out, err = format_containers([WEB] if summaries is None else summaries, fmt=fmt,
                                     now=NOW, cli_version=28, **kw)
        return out, err, 0
    except TemplateError as e:
        return e.stdout, e.stderr + e.message + "\n", e.exit_code


@pytest.mark.parametrize("template, stdout, stderr, code", CASES)
def test_ps_format_matches_docker_cli(template: str, stdout: str, stderr: str, code: int) -> None:
    assert run_ps(template) == (stdout, stderr, code)


def test_v29_fields_exist_in_default_flavour() -> None:
    out, _ = format_containers([WEB], fmt="{{.HealthStatus}}|{{.IPAddresses}}", now=NOW)
    assert out == "healthy|[alpha/10.0.0.5 alpha/fd00::5 bridge/172.17.0.2]\n"


def test_v28_client_lacks_health_status() -> None:
    assert run_ps("{{.HealthStatus}}")[1] == (
        "failed to execute template: template: :1:2: executing \"\" at <.HealthStatus>: "
        "can't evaluate field HealthStatus in type *formatter.ContainerContext\n")


@pytest.mark.parametrize("text, data, expected", [
    ("{{.a.b}}", {"a": {"b": [1, "x", None]}}, "[1 x <nil>]"),
    ("{{.m}}", {"m": {"z": 1, "a": True}}, "map[a:true z:1]"),
    ("{{.missing}}", {}, "<no value>"),
    ("{{.n}}", {"n": None}, "<no value>"),
    ("{{range $i, $v := .l}}{{$i}}{{$v}}{{end}}", {"l": ["a", "b"]}, "0a1b"),
    ("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", {"m": {"b": 2, "a": 1}}, "a=1;b=2;"),
    ("{{with .x}}{{.}}{{else}}none{{end}}", {"x": ""}, "none"),
    ("{{- \"a\" }}  {{- /* gone */ -}}  {{ \"b\" -}}\n c", None, "abc"),
    ("{{if and .a (not .b)}}yes{{end}}", {"a": 1, "b": 0}, "yes"),
    ("{{printf \"%-5s|%5.1f|%03d\" \"ab\" 3.14159 7}}", None, "ab   |  3.1|007"),
    ("{{.s | printf \"%q\"}}", {"s": "tab\there"}, '"tab\\there"'),
    ("{{index .m \"k\"}}|{{index .l 1}}", {"m": {"k": "v"}, "l": [1, 2]}, "v|2"),
    ("{{len .l}}", {"l": GoSlice(["a"], gotype="[]string")}, "1"),
    ("{{json .}}", {"b": "<&>", "a": [1.5, None, False]}, '{"a":[1.5,null,false],"b":"<&>"}'),
    ("{{.S}}", {"S": GoStruct("x.T", {"A": 1, "B": "b", "C": GoMap({"k": "v"})})}, "{1 b map[k:v]}"),
])
def test_render_go_values(text: str, data: object, expected: str) -> None:
    assert render(text, data) == expected


def test_parse_error_has_go_text() -> None:
    with pytest.raises(ParseError) as e:
        Template("line one\n{{.ID")
    assert e.value.message == "template: :2: unclosed action"


def test_multiline_action_error_mentions_start() -> None:
    with pytest.raises(ParseError) as e:
        Template("{{.ID\n\n")
    assert e.value.message == "template: :3: unclosed action started at :1"


def test_exec_error_column_counts_bytes() -> None:
    with pytest.raises(ExecError) as e:
        Template("é {{.Foo}}").execute({"Bar": 1}, missingkey="error")
    assert e.value.message == (
        'template: :1:5: executing "" at <.Foo>: map has no entry for key "Foo"')


def test_output_is_bounded() -> None:
    tmpl = Template('{{range split (printf "%0600d" 0) ""}}{{.}}{{.}}{{end}}')
    assert len(tmpl.execute(None)) == 1200
    with pytest.raises(TemplateError):
        tmpl.execute(None, limit=1000)
    assert MAX_OUTPUT == 1 << 20


def test_runaway_recursion_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExecError) as e:
        render('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', None)
    assert "exceeded maximum template depth (100000)" in e.value.message


@pytest.mark.parametrize("text", [
    "{{" * 5000,
    "(" * 5000,
    "{{" + "(" * 3000 + "1" + ")" * 3000 + "}}",
    "{{if 1}}" * 3000,
    '{{printf "%099999999999d" 1}}',
    '{{pad "x" 99999999 1}}',
    '{{range $i := 99999999}}{{end}}',
    "{{__import__}}",
    "{{.__class__}}",
])
def test_hostile_templates_only_raise_template_errors(text: str) -> None:
    try:
        render(text, {"a": 1})
    except TemplateError:
        pass


def test_python_attributes_are_not_reachable() -> None:
    with pytest.raises(ExecError):
        render("{{.__class__}}", GoStruct("x.T", {"A": 1}))
    assert render("{{.__class__}}", {}) == "<no value>"


def test_sprintf_verbs() -> None:
    assert sprintf("%v|%s|%d|%q|%x|%t", 1234567.0, "a", 42, 'q"', 255, True) == (
        '1.234567e+06|a|42|"q\\""|ff|true')
    assert sprintf("%d %d", 1) == "1 %!d(MISSING)"
    assert sprintf("%s", 42) == "%!s(int=42)"
