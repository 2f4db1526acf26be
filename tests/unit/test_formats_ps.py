"""``docker ps`` output, checked against the real docker CLI.

``SUMMARIES`` are container summaries in the ``GET /containers/json`` shape; each case in
``CASES`` is a ``docker ps`` argument list whose stdout/stderr/exit code were recorded from the
docker CLI v28.2.2 talking to a stub daemon that served exactly these summaries (``NOW`` is
the moment of recording, so relative times match).
"""

from __future__ import annotations

import pytest

from webapp.engine.formats import (
    TemplateError,
    command_string,
    display_command,
    display_image,
    display_ports,
    ellipsis,
    format_containers,
    ps_wants_size,
)

SUMMARIES = [{'Id': '0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc',
  'Names': ['/web'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': "nginx -g 'daemon off;'",
  'Created': 1795347394,
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
  'SizeRootFs': 187000000},
 {'Id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'Names': ['/wide'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'echo 日本語日本語日本語日本語日本語',
  'Created': 1795347594,
  'Ports': [],
  'Labels': {'x': 'é́', 'y': '😀x'},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  'Names': ['/comb'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'echo ééééééééééé',
  'Created': 1795347594,
  'Ports': [],
  'Labels': {'x': 'ab\u200bc'},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
  'Names': ['/ctrl'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'echo a\tb\x01c\x7f',
  'Created': 1795347594,
  'Ports': [],
  'Labels': {'x': 'a\xadb'},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd',
  'Names': ['/emoji'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'echo 😀😀😀😀😀😀😀😀😀😀😀😀',
  'Created': 1795347594,
  'Ports': [],
  'Labels': {'x': 'Ａ½±'},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
  'Names': ['/h日本'],
  'Image': 'alpine',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'x日本語日本語日本語日本語日本語日本語',
  'Created': 1795347594,
  'Ports': [],
  'Labels': {'x': '가'},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'Names': ['/stopped', '/other/alias'],
  'Image': 'hello-world',
  'ImageID': 'sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'Command': '/hello',
  'Created': 1795343694,
  'Ports': [],
  'Labels': {},
  'State': 'exited',
  'Status': 'Exited (0) 10 minutes ago',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': '9999999999999999999999999999999999999999999999999999999999999999',
  'Names': ['/byid'],
  'Image': 'sha256:9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a',
  'ImageID': 'sha256:9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a',
  'Command': 'sh',
  'Created': 1795257694,
  'Ports': [],
  'Labels': {},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []},
 {'Id': '8888888888888888888888888888888888888888888888888888888888888888',
  'Names': ['/dig'],
  'Image': 'docker.io/library/nginx:1.25@sha256:1111111111111111111111111111111111111111111111111111111111111111',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'sh',
  'Created': 1795347684,
  'Ports': [],
  'Labels': {},
  'State': 'running',
  'Status': 'Up Less than a second',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': [],
  'SizeRw': 0,
  'SizeRootFs': 999600},
 {'Id': '7777777777777777777777777777777777777777777777777777777777777777',
  'Names': ['/reg'],
  'Image': 'registry.example.com:5000/team/app:v1',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': 'sh',
  'Created': 1795347684,
  'Ports': [],
  'Labels': {},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': [],
  'SizeRw': 2,
  'SizeRootFs': 0},
 {'Id': '6666666666666666666666666666666666666666666666666666666666666666',
  'Names': ['/noimg'],
  'Image': '',
  'ImageID': 'sha256:abababababababababababababababababababababababababababababababab',
  'Command': '',
  'Created': 1795347684,
  'Ports': [],
  'Labels': {},
  'State': 'running',
  'Status': 'Up 2 minutes',
  'HostConfig': {'NetworkMode': 'default'},
  'NetworkSettings': {'Networks': {}},
  'Mounts': []}]

CASES = [
    pytest.param(
        [],
        'CONTAINER ID   IMAGE                                   COMMAND                  CREATED              STATUS                      PORTS     NAMES\n0123456789ab   alpine                                  "nginx -g \'daemon of…"   5 minutes ago        Up 5 minutes (healthy)      80/tcp    web\naaaaaaaaaaaa   alpine                                  "echo 日本語日本語日…"   About a minute ago   Up 2 minutes                          wide\nbbbbbbbbbbbb   alpine                                  "echo ééééééé…"          About a minute ago   Up 2 minutes                          comb\ncccccccccccc   alpine                                  "echo a\\tb\\x01c\\x7f"     About a minute ago   Up 2 minutes                          ctrl\ndddddddddddd   alpine                                  "echo 😀😀😀😀😀😀😀…"   About a minute ago   Up 2 minutes                          emoji\neeeeeeeeeeee   alpine                                  "x日本語日本語日本語…"   About a minute ago   Up 2 minutes                          h日本\nffffffffffff   hello-world                             "/hello"                 About an hour ago    Exited (0) 10 minutes ago             stopped\n999999999999   9a9a9a9a9a9a                            "sh"                     25 hours ago         Up 2 minutes                          byid\n888888888888   nginx:1.25                              "sh"                     10 seconds ago       Up Less than a second                 dig\n777777777777   registry.example.com:5000/team/app:v1   "sh"                     10 seconds ago       Up 2 minutes                          reg\n666666666666   <no image>                              ""                       10 seconds ago       Up 2 minutes                          noimg\n',
        '',
        0,
        id='ps-0',
    ),
    pytest.param(
        ['--no-trunc'],
        'CONTAINER ID                                                       IMAGE                                                                                                  COMMAND                                   CREATED              STATUS                      PORTS     NAMES\n0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc   alpine                                                                                                 "nginx -g \'daemon off;\'"                  5 minutes ago        Up 5 minutes (healthy)      80/tcp    web\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   alpine                                                                                                 "echo 日本語日本語日本語日本語日本語"     About a minute ago   Up 2 minutes                          wide\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb   alpine                                                                                                 "echo ééééééééééé"                        About a minute ago   Up 2 minutes                          comb\ncccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc   alpine                                                                                                 "echo a\\tb\\x01c\\x7f"                      About a minute ago   Up 2 minutes                          ctrl\ndddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd   alpine                                                                                                 "echo 😀😀😀😀😀😀😀😀😀😀😀😀"           About a minute ago   Up 2 minutes                          emoji\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee   alpine                                                                                                 "x日本語日本語日本語日本語日本語日本語"   About a minute ago   Up 2 minutes                          h日本\nffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff   hello-world                                                                                            "/hello"                                  About an hour ago    Exited (0) 10 minutes ago             stopped,other/alias\n9999999999999999999999999999999999999999999999999999999999999999   sha256:9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a                                "sh"                                      25 hours ago         Up 2 minutes                          byid\n8888888888888888888888888888888888888888888888888888888888888888   docker.io/library/nginx:1.25@sha256:1111111111111111111111111111111111111111111111111111111111111111   "sh"                                      10 seconds ago       Up Less than a second                 dig\n7777777777777777777777777777777777777777777777777777777777777777   registry.example.com:5000/team/app:v1                                                                  "sh"                                      10 seconds ago       Up 2 minutes                          reg\n6666666666666666666666666666666666666666666666666666666666666666   <no image>                                                                                             ""                                        10 seconds ago       Up 2 minutes                          noimg\n',
        '',
        0,
        id='ps-1',
    ),
    pytest.param(
        ['-s'],
        'CONTAINER ID   IMAGE                                   COMMAND                  CREATED              STATUS                      PORTS     NAMES     SIZE\n0123456789ab   alpine                                  "nginx -g \'daemon of…"   5 minutes ago        Up 5 minutes (healthy)      80/tcp    web       12.3kB (virtual 187MB)\naaaaaaaaaaaa   alpine                                  "echo 日本語日本語日…"   About a minute ago   Up 2 minutes                          wide      0B\nbbbbbbbbbbbb   alpine                                  "echo ééééééé…"          About a minute ago   Up 2 minutes                          comb      0B\ncccccccccccc   alpine                                  "echo a\\tb\\x01c\\x7f"     About a minute ago   Up 2 minutes                          ctrl      0B\ndddddddddddd   alpine                                  "echo 😀😀😀😀😀😀😀…"   About a minute ago   Up 2 minutes                          emoji     0B\neeeeeeeeeeee   alpine                                  "x日本語日本語日本語…"   About a minute ago   Up 2 minutes                          h日本     0B\nffffffffffff   hello-world                             "/hello"                 About an hour ago    Exited (0) 10 minutes ago             stopped   0B\n999999999999   9a9a9a9a9a9a                            "sh"                     25 hours ago         Up 2 minutes                          byid      0B\n888888888888   nginx:1.25                              "sh"                     10 seconds ago       Up Less than a second                 dig       0B (virtual 1e+03kB)\n777777777777   registry.example.com:5000/team/app:v1   "sh"                     10 seconds ago       Up 2 minutes                          reg       2B\n666666666666   <no image>                              ""                       10 seconds ago       Up 2 minutes                          noimg     0B\n',
        '',
        0,
        id='ps-2',
    ),
    pytest.param(
        ['-q'],
        '0123456789ab\naaaaaaaaaaaa\nbbbbbbbbbbbb\ncccccccccccc\ndddddddddddd\neeeeeeeeeeee\nffffffffffff\n999999999999\n888888888888\n777777777777\n666666666666\n',
        '',
        0,
        id='ps-3',
    ),
    pytest.param(
        ['-q', '--no-trunc'],
        '0123456789abcccccccccccccccccccccccccccccccccccccccccccccccccccc\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\ncccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\ndddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\nffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n9999999999999999999999999999999999999999999999999999999999999999\n8888888888888888888888888888888888888888888888888888888888888888\n7777777777777777777777777777777777777777777777777777777777777777\n6666666666666666666666666666666666666666666666666666666666666666\n',
        '',
        0,
        id='ps-4',
    ),
    pytest.param(
        ['--format', 'table'],
        'CONTAINER ID   IMAGE                                   COMMAND                  CREATED              STATUS                      PORTS     NAMES\n0123456789ab   alpine                                  "nginx -g \'daemon of…"   5 minutes ago        Up 5 minutes (healthy)      80/tcp    web\naaaaaaaaaaaa   alpine                                  "echo 日本語日本語日…"   About a minute ago   Up 2 minutes                          wide\nbbbbbbbbbbbb   alpine                                  "echo ééééééé…"          About a minute ago   Up 2 minutes                          comb\ncccccccccccc   alpine                                  "echo a\\tb\\x01c\\x7f"     About a minute ago   Up 2 minutes                          ctrl\ndddddddddddd   alpine                                  "echo 😀😀😀😀😀😀😀…"   About a minute ago   Up 2 minutes                          emoji\neeeeeeeeeeee   alpine                                  "x日本語日本語日本語…"   About a minute ago   Up 2 minutes                          h日本\nffffffffffff   hello-world                             "/hello"                 About an hour ago    Exited (0) 10 minutes ago             stopped\n999999999999   9a9a9a9a9a9a                            "sh"                     25 hours ago         Up 2 minutes                          byid\n888888888888   nginx:1.25                              "sh"                     10 seconds ago       Up Less than a second                 dig\n777777777777   registry.example.com:5000/team/app:v1   "sh"                     10 seconds ago       Up 2 minutes                          reg\n666666666666   <no image>                              ""                       10 seconds ago       Up 2 minutes                          noimg\n',
        '',
        0,
        id='ps-5',
    ),
    pytest.param(
        ['--format', 'json'],
        '{"Command":"\\"nginx -g \'daemon of…\\"","CreatedAt":"2026-11-22 11:36:34 +0000 UTC","ID":"0123456789ab","Image":"alpine","Labels":"a=x\\u003cy\\u003e\\u0026z,com.example.b=2,e=","LocalVolumes":"1","Mounts":"0123456789abcd…,/home/user/som…","Names":"web","Networks":"bridge,alpha","Platform":null,"Ports":"80/tcp","RunningFor":"5 minutes ago","Size":"12.3kB (virtual 187MB)","State":"running","Status":"Up 5 minutes (healthy)"}\n{"Command":"\\"echo 日本語日本語日…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"aaaaaaaaaaaa","Image":"alpine","Labels":"x=é́,y=😀x","LocalVolumes":"0","Mounts":"","Names":"wide","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo ééééééé…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"bbbbbbbbbbbb","Image":"alpine","Labels":"x=ab\u200bc","LocalVolumes":"0","Mounts":"","Names":"comb","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo a\\\\tb\\\\x01c\\\\x7f\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"cccccccccccc","Image":"alpine","Labels":"x=a\xadb","LocalVolumes":"0","Mounts":"","Names":"ctrl","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo 😀😀😀😀😀😀😀…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"dddddddddddd","Image":"alpine","Labels":"x=Ａ½±","LocalVolumes":"0","Mounts":"","Names":"emoji","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"x日本語日本語日本語…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"eeeeeeeeeeee","Image":"alpine","Labels":"x=가","LocalVolumes":"0","Mounts":"","Names":"h日本","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"/hello\\"","CreatedAt":"2026-11-22 10:34:54 +0000 UTC","ID":"ffffffffffff","Image":"hello-world","Labels":"","LocalVolumes":"0","Mounts":"","Names":"stopped","Networks":"","Platform":null,"Ports":"","RunningFor":"About an hour ago","Size":"0B","State":"exited","Status":"Exited (0) 10 minutes ago"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-21 10:41:34 +0000 UTC","ID":"999999999999","Image":"9a9a9a9a9a9a","Labels":"","LocalVolumes":"0","Mounts":"","Names":"byid","Networks":"","Platform":null,"Ports":"","RunningFor":"25 hours ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"888888888888","Image":"nginx:1.25","Labels":"","LocalVolumes":"0","Mounts":"","Names":"dig","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"0B (virtual 1e+03kB)","State":"running","Status":"Up Less than a second"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"777777777777","Image":"registry.example.com:5000/team/app:v1","Labels":"","LocalVolumes":"0","Mounts":"","Names":"reg","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"2B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"666666666666","Image":"\\u003cno image\\u003e","Labels":"","LocalVolumes":"0","Mounts":"","Names":"noimg","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n',
        '',
        0,
        id='ps-6',
    ),
    pytest.param(
        ['--format', 'raw'],
        'container_id: 0123456789ab\nimage: alpine\ncommand: "nginx -g \'daemon of…"\ncreated_at: 2026-11-22 11:36:34 +0000 UTC\nstate: running\nstatus: Up 5 minutes (healthy)\nnames: web\nlabels: a=x<y>&z,com.example.b=2,e=\nports: 80/tcp\n\ncontainer_id: aaaaaaaaaaaa\nimage: alpine\ncommand: "echo 日本語日本語日…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: wide\nlabels: x=é́,y=😀x\nports:\n\ncontainer_id: bbbbbbbbbbbb\nimage: alpine\ncommand: "echo ééééééé…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: comb\nlabels: x=ab\u200bc\nports:\n\ncontainer_id: cccccccccccc\nimage: alpine\ncommand: "echo a\\tb\\x01c\\x7f"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: ctrl\nlabels: x=a\xadb\nports:\n\ncontainer_id: dddddddddddd\nimage: alpine\ncommand: "echo 😀😀😀😀😀😀😀…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: emoji\nlabels: x=Ａ½±\nports:\n\ncontainer_id: eeeeeeeeeeee\nimage: alpine\ncommand: "x日本語日本語日本語…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: h日本\nlabels: x=가\nports:\n\ncontainer_id: ffffffffffff\nimage: hello-world\ncommand: "/hello"\ncreated_at: 2026-11-22 10:34:54 +0000 UTC\nstate: exited\nstatus: Exited (0) 10 minutes ago\nnames: stopped\nlabels:\nports:\n\ncontainer_id: 999999999999\nimage: 9a9a9a9a9a9a\ncommand: "sh"\ncreated_at: 2026-11-21 10:41:34 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: byid\nlabels:\nports:\n\ncontainer_id: 888888888888\nimage: nginx:1.25\ncommand: "sh"\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up Less than a second\nnames: dig\nlabels:\nports:\n\ncontainer_id: 777777777777\nimage: registry.example.com:5000/team/app:v1\ncommand: "sh"\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: reg\nlabels:\nports:\n\ncontainer_id: 666666666666\nimage: <no image>\ncommand: ""\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: noimg\nlabels:\nports:\n\n',
        '',
        0,
        id='ps-7',
    ),
    pytest.param(
        ['-s', '--format', 'raw'],
        'container_id: 0123456789ab\nimage: alpine\ncommand: "nginx -g \'daemon of…"\ncreated_at: 2026-11-22 11:36:34 +0000 UTC\nstate: running\nstatus: Up 5 minutes (healthy)\nnames: web\nlabels: a=x<y>&z,com.example.b=2,e=\nports: 80/tcp\nsize: 12.3kB (virtual 187MB)\n\ncontainer_id: aaaaaaaaaaaa\nimage: alpine\ncommand: "echo 日本語日本語日…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: wide\nlabels: x=é́,y=😀x\nports:\nsize: 0B\n\ncontainer_id: bbbbbbbbbbbb\nimage: alpine\ncommand: "echo ééééééé…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: comb\nlabels: x=ab\u200bc\nports:\nsize: 0B\n\ncontainer_id: cccccccccccc\nimage: alpine\ncommand: "echo a\\tb\\x01c\\x7f"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: ctrl\nlabels: x=a\xadb\nports:\nsize: 0B\n\ncontainer_id: dddddddddddd\nimage: alpine\ncommand: "echo 😀😀😀😀😀😀😀…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: emoji\nlabels: x=Ａ½±\nports:\nsize: 0B\n\ncontainer_id: eeeeeeeeeeee\nimage: alpine\ncommand: "x日本語日本語日本語…"\ncreated_at: 2026-11-22 11:39:54 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: h日本\nlabels: x=가\nports:\nsize: 0B\n\ncontainer_id: ffffffffffff\nimage: hello-world\ncommand: "/hello"\ncreated_at: 2026-11-22 10:34:54 +0000 UTC\nstate: exited\nstatus: Exited (0) 10 minutes ago\nnames: stopped\nlabels:\nports:\nsize: 0B\n\ncontainer_id: 999999999999\nimage: 9a9a9a9a9a9a\ncommand: "sh"\ncreated_at: 2026-11-21 10:41:34 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: byid\nlabels:\nports:\nsize: 0B\n\ncontainer_id: 888888888888\nimage: nginx:1.25\ncommand: "sh"\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up Less than a second\nnames: dig\nlabels:\nports:\nsize: 0B (virtual 1e+03kB)\n\ncontainer_id: 777777777777\nimage: registry.example.com:5000/team/app:v1\ncommand: "sh"\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: reg\nlabels:\nports:\nsize: 2B\n\ncontainer_id: 666666666666\nimage: <no image>\ncommand: ""\ncreated_at: 2026-11-22 11:41:24 +0000 UTC\nstate: running\nstatus: Up 2 minutes\nnames: noimg\nlabels:\nports:\nsize: 0B\n\n',
        '',
        0,
        id='ps-8',
    ),
    pytest.param(
        ['-q', '--format', '{{.Names}}'],
        '0123456789ab\naaaaaaaaaaaa\nbbbbbbbbbbbb\ncccccccccccc\ndddddddddddd\neeeeeeeeeeee\nffffffffffff\n999999999999\n888888888888\n777777777777\n666666666666\n',
        'WARNING: Ignoring custom format, because both --format and --quiet are set.\n',
        0,
        id='ps-9',
    ),
    pytest.param(
        ['--format', 'table {{.ID}}\\t{{.Names}}\\t{{.Size}}'],
        'CONTAINER ID   NAMES     SIZE\n0123456789ab   web       12.3kB (virtual 187MB)\naaaaaaaaaaaa   wide      0B\nbbbbbbbbbbbb   comb      0B\ncccccccccccc   ctrl      0B\ndddddddddddd   emoji     0B\neeeeeeeeeeee   h日本     0B\nffffffffffff   stopped   0B\n999999999999   byid      0B\n888888888888   dig       0B (virtual 1e+03kB)\n777777777777   reg       2B\n666666666666   noimg     0B\n',
        '',
        0,
        id='ps-10',
    ),
    pytest.param(
        ['--format', 'table {{.Names}}\\t{{.Label "com.example.b"}}\\t{{.Label "a"}}\\t{{.Labels}}'],
        'NAMES     b         a         LABELS\nweb       2         x<y>&z    a=x<y>&z,com.example.b=2,e=\nwide                          x=é́,y=😀x\ncomb                          x=ab\u200bc\nctrl                          x=a\xadb\nemoji                         x=Ａ½±\nh日本                         x=가\nstopped                       \nbyid                          \ndig                           \nreg                           \nnoimg                         \n',
        '',
        0,
        id='ps-11',
    ),
    pytest.param(
        ['--format', 'table {{.ID}}\\n{{.Names}}\\t{{.Status}}'],
        'CONTAINER ID\nNAMES     STATUS\n0123456789ab\nweb       Up 5 minutes (healthy)\naaaaaaaaaaaa\nwide      Up 2 minutes\nbbbbbbbbbbbb\ncomb      Up 2 minutes\ncccccccccccc\nctrl      Up 2 minutes\ndddddddddddd\nemoji     Up 2 minutes\neeeeeeeeeeee\nh日本     Up 2 minutes\nffffffffffff\nstopped   Exited (0) 10 minutes ago\n999999999999\nbyid      Up 2 minutes\n888888888888\ndig       Up Less than a second\n777777777777\nreg       Up 2 minutes\n666666666666\nnoimg     Up 2 minutes\n',
        '',
        0,
        id='ps-12',
    ),
    pytest.param(
        ['--format', 'table {{.Names}}\\t{{if eq .Names "web"}}{{.ID}}\\t{{end}}{{.Status}}\\t{{.State}}'],
        'NAMES     STATUS                      STATE\nweb       0123456789ab                Up 5 minutes (healthy)   running\nwide      Up 2 minutes                running\ncomb      Up 2 minutes                running\nctrl      Up 2 minutes                running\nemoji     Up 2 minutes                running\nh日本     Up 2 minutes                running\nstopped   Exited (0) 10 minutes ago   exited\nbyid      Up 2 minutes                running\ndig       Up Less than a second       running\nreg       Up 2 minutes                running\nnoimg     Up 2 minutes                running\n',
        '',
        0,
        id='ps-13',
    ),
    pytest.param(
        ['--format', 'table {{json .}}'],
        '\n{"Command":"\\"nginx -g \'daemon of…\\"","CreatedAt":"2026-11-22 11:36:34 +0000 UTC","ID":"0123456789ab","Image":"alpine","Labels":"a=x\\u003cy\\u003e\\u0026z,com.example.b=2,e=","LocalVolumes":"1","Mounts":"0123456789abcd…,/home/user/som…","Names":"web","Networks":"bridge,alpha","Platform":null,"Ports":"80/tcp","RunningFor":"5 minutes ago","Size":"12.3kB (virtual 187MB)","State":"running","Status":"Up 5 minutes (healthy)"}\n{"Command":"\\"echo 日本語日本語日…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"aaaaaaaaaaaa","Image":"alpine","Labels":"x=é́,y=😀x","LocalVolumes":"0","Mounts":"","Names":"wide","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo ééééééé…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"bbbbbbbbbbbb","Image":"alpine","Labels":"x=ab\u200bc","LocalVolumes":"0","Mounts":"","Names":"comb","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo a\\\\tb\\\\x01c\\\\x7f\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"cccccccccccc","Image":"alpine","Labels":"x=a\xadb","LocalVolumes":"0","Mounts":"","Names":"ctrl","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"echo 😀😀😀😀😀😀😀…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"dddddddddddd","Image":"alpine","Labels":"x=Ａ½±","LocalVolumes":"0","Mounts":"","Names":"emoji","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"x日本語日本語日本語…\\"","CreatedAt":"2026-11-22 11:39:54 +0000 UTC","ID":"eeeeeeeeeeee","Image":"alpine","Labels":"x=가","LocalVolumes":"0","Mounts":"","Names":"h日本","Networks":"","Platform":null,"Ports":"","RunningFor":"About a minute ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"/hello\\"","CreatedAt":"2026-11-22 10:34:54 +0000 UTC","ID":"ffffffffffff","Image":"hello-world","Labels":"","LocalVolumes":"0","Mounts":"","Names":"stopped","Networks":"","Platform":null,"Ports":"","RunningFor":"About an hour ago","Size":"0B","State":"exited","Status":"Exited (0) 10 minutes ago"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-21 10:41:34 +0000 UTC","ID":"999999999999","Image":"9a9a9a9a9a9a","Labels":"","LocalVolumes":"0","Mounts":"","Names":"byid","Networks":"","Platform":null,"Ports":"","RunningFor":"25 hours ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"888888888888","Image":"nginx:1.25","Labels":"","LocalVolumes":"0","Mounts":"","Names":"dig","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"0B (virtual 1e+03kB)","State":"running","Status":"Up Less than a second"}\n{"Command":"\\"sh\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"777777777777","Image":"registry.example.com:5000/team/app:v1","Labels":"","LocalVolumes":"0","Mounts":"","Names":"reg","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"2B","State":"running","Status":"Up 2 minutes"}\n{"Command":"\\"\\"","CreatedAt":"2026-11-22 11:41:24 +0000 UTC","ID":"666666666666","Image":"\\u003cno image\\u003e","Labels":"","LocalVolumes":"0","Mounts":"","Names":"noimg","Networks":"","Platform":null,"Ports":"","RunningFor":"10 seconds ago","Size":"0B","State":"running","Status":"Up 2 minutes"}\n',
        '',
        0,
        id='ps-14',
    ),
    pytest.param(
        ['--format', 'table {{.Names}}\\t{{.Image}}\\t{{.Command}}'],
        'NAMES     IMAGE                                   COMMAND\nweb       alpine                                  "nginx -g \'daemon of…"\nwide      alpine                                  "echo 日本語日本語日…"\ncomb      alpine                                  "echo ééééééé…"\nctrl      alpine                                  "echo a\\tb\\x01c\\x7f"\nemoji     alpine                                  "echo 😀😀😀😀😀😀😀…"\nh日本     alpine                                  "x日本語日本語日本語…"\nstopped   hello-world                             "/hello"\nbyid      9a9a9a9a9a9a                            "sh"\ndig       nginx:1.25                              "sh"\nreg       registry.example.com:5000/team/app:v1   "sh"\nnoimg     <no image>                              ""\n',
        '',
        0,
        id='ps-15',
    ),
    pytest.param(
        ['--no-trunc', '--format', 'table {{.Names}}\\t{{.Image}}\\t{{.Command}}\\t{{.Mounts}}'],
        'NAMES                 IMAGE                                                                                                  COMMAND                                   MOUNTS\nweb                   alpine                                                                                                 "nginx -g \'daemon off;\'"                  0123456789abcdef0123,/home/user/some/long/path\nwide                  alpine                                                                                                 "echo 日本語日本語日本語日本語日本語"     \ncomb                  alpine                                                                                                 "echo ééééééééééé"                        \nctrl                  alpine                                                                                                 "echo a\\tb\\x01c\\x7f"                      \nemoji                 alpine                                                                                                 "echo 😀😀😀😀😀😀😀😀😀😀😀😀"           \nh日本                 alpine                                                                                                 "x日本語日本語日本語日本語日本語日本語"   \nstopped,other/alias   hello-world                                                                                            "/hello"                                  \nbyid                  sha256:9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a                                "sh"                                      \ndig                   docker.io/library/nginx:1.25@sha256:1111111111111111111111111111111111111111111111111111111111111111   "sh"                                      \nreg                   registry.example.com:5000/team/app:v1                                                                  "sh"                                      \nnoimg                 <no image>                                                                                             ""                                        \n',
        '',
        0,
        id='ps-16',
    ),
    pytest.param(
        ['--format', '{{.Names}}:{{.Image}}'],
        'web:alpine\nwide:alpine\ncomb:alpine\nctrl:alpine\nemoji:alpine\nh日本:alpine\nstopped:hello-world\nbyid:9a9a9a9a9a9a\ndig:nginx:1.25\nreg:registry.example.com:5000/team/app:v1\nnoimg:<no image>\n',
        '',
        0,
        id='ps-17',
    ),
    pytest.param(
        ['--format', 'table {{upper .Names}}\\t{{lower .Status}}\\t{{pad .State 1 1}}\\t{{truncate .ID 4}}\\t{{split .Names "e"}}\\t{{join (split .Names "e") "-"}}'],
        'NAMES     STATUS                       STATE      CONTAINER ID   NAMES       NAMES\nWEB       up 5 minutes (healthy)       running    0123           [w b]       w-b\nWIDE      up 2 minutes                 running    aaaa           [wid ]      wid-\nCOMB      up 2 minutes                 running    bbbb           [comb]      comb\nCTRL      up 2 minutes                 running    cccc           [ctrl]      ctrl\nEMOJI     up 2 minutes                 running    dddd           [ moji]     -moji\nH日本     up 2 minutes                 running    eeee           [h日本]     h日本\nSTOPPED   exited (0) 10 minutes ago    exited     ffff           [stopp d]   stopp-d\nBYID      up 2 minutes                 running    9999           [byid]      byid\nDIG       up less than a second        running    8888           [dig]       dig\nREG       up 2 minutes                 running    7777           [r g]       r-g\nNOIMG     up 2 minutes                 running    6666           [noimg]     noimg\n',
        '',
        0,
        id='ps-18',
    ),
    pytest.param(
        ['--format', '   table   {{.Names}}'],
        'table   web\ntable   wide\ntable   comb\ntable   ctrl\ntable   emoji\ntable   h日本\ntable   stopped\ntable   byid\ntable   dig\ntable   reg\ntable   noimg\n',
        '',
        0,
        id='ps-19',
    ),
    pytest.param(
        ['--format', 'table'],
        'CONTAINER ID   IMAGE                                   COMMAND                  CREATED              STATUS                      PORTS     NAMES\n0123456789ab   alpine                                  "nginx -g \'daemon of…"   5 minutes ago        Up 5 minutes (healthy)      80/tcp    web\naaaaaaaaaaaa   alpine                                  "echo 日本語日本語日…"   About a minute ago   Up 2 minutes                          wide\nbbbbbbbbbbbb   alpine                                  "echo ééééééé…"          About a minute ago   Up 2 minutes                          comb\ncccccccccccc   alpine                                  "echo a\\tb\\x01c\\x7f"     About a minute ago   Up 2 minutes                          ctrl\ndddddddddddd   alpine                                  "echo 😀😀😀😀😀😀😀…"   About a minute ago   Up 2 minutes                          emoji\neeeeeeeeeeee   alpine                                  "x日本語日本語日本語…"   About a minute ago   Up 2 minutes                          h日本\nffffffffffff   hello-world                             "/hello"                 About an hour ago    Exited (0) 10 minutes ago             stopped\n999999999999   9a9a9a9a9a9a                            "sh"                     25 hours ago         Up 2 minutes                          byid\n888888888888   nginx:1.25                              "sh"                     10 seconds ago       Up Less than a second                 dig\n777777777777   registry.example.com:5000/team/app:v1   "sh"                     10 seconds ago       Up 2 minutes                          reg\n666666666666   <no image>                              ""                       10 seconds ago       Up 2 minutes                          noimg\n',
        '',
        0,
        id='ps-20',
    ),
    pytest.param(
        ['--format', '{{.Names}}\\t{{.ID}}\\n'],
        'web\t0123456789ab\n\nwide\taaaaaaaaaaaa\n\ncomb\tbbbbbbbbbbbb\n\nctrl\tcccccccccccc\n\nemoji\tdddddddddddd\n\nh日本\teeeeeeeeeeee\n\nstopped\tffffffffffff\n\nbyid\t999999999999\n\ndig\t888888888888\n\nreg\t777777777777\n\nnoimg\t666666666666\n\n',
        '',
        0,
        id='ps-21',
    ),
]

NOW = 1795347694


def run_ps(args: list[str], summaries: list[dict] | None = None,
           cli_version: int = 28) -> tuple[str, str, int]:
    """Parse a ``docker ps`` argument list and return (stdout, stderr, exit code)."""
    kw: dict = {"fmt": None, "quiet": False, "no_trunc": False, "size": False}
    args = list(args)
    while args:
        a = args.pop(0)
        if a == "--format":
            kw["fmt"] = args.pop(0)
        elif a == "-q":
            kw["quiet"] = True
        elif a == "--no-trunc":
            kw["no_trunc"] = True
        elif a == "-s":
            kw["size"] = True
        else:
            raise AssertionError(a)
    try:
        out, err = format_containers(SUMMARIES if summaries is None else summaries, now=NOW,
                                     cli_version=cli_version, **kw)
        return out, err, 0
    except TemplateError as e:
        return e.stdout, e.stderr + e.message + "\n", e.exit_code


@pytest.mark.parametrize("args, stdout, stderr, code", CASES)
def test_ps_matches_docker_cli(args: list[str], stdout: str, stderr: str, code: int) -> None:
    assert run_ps(args) == (stdout, stderr, code)


def _summary(id_: str, name: str, image: str, command: str, created: int, status: str,
             ports: list | None = None) -> dict:
    return {"Id": id_ + "0" * (64 - len(id_)), "Names": ["/" + name], "Image": image,
            "ImageID": "sha256:" + "1" * 64, "Command": command, "Created": created,
            "Ports": ports or [], "Labels": {}, "State": "running", "Status": status,
            "Mounts": [], "NetworkSettings": {"Networks": {}}}


SPEC_NOW = 1787480000


def test_spec_example_table() -> None:
    """The three-container example of the spec (section 3.3), built from summaries."""
    summaries = [
        _summary("3f2a9c1b7d4e", "web", "nginx", "/docker-entrypoint.sh nginx -g 'daemon off;'",
                 SPEC_NOW - 150, "Up 2 minutes",
                 [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                  {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}]),
        _summary("a1b2c3d4e5f6", "sleepy", "alpine", "sleep 1000", SPEC_NOW - 330,
                 "Exited (137) 3 minutes ago"),
        _summary("0f9e8d7c6b5a", "nostalgic_turing", "hello-world", "/hello", SPEC_NOW - 600,
                 "Exited (0) 10 minutes ago"),
    ]
    out, err = format_containers(summaries, now=SPEC_NOW)
    assert err == ""
    assert out == (
        "CONTAINER ID   IMAGE         COMMAND                  CREATED          STATUS                       PORTS                                     NAMES\n"
        "3f2a9c1b7d4e   nginx         \"/docker-entrypoint.…\"   2 minutes ago    Up 2 minutes                 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web\n"
        "a1b2c3d4e5f6   alpine        \"sleep 1000\"             5 minutes ago    Exited (137) 3 minutes ago                                             sleepy\n"
        "0f9e8d7c6b5a   hello-world   \"/hello\"                 10 minutes ago   Exited (0) 10 minutes ago                                              nostalgic_turing\n"
    )


def test_spec_docs_example_line() -> None:
    s = _summary("0246aa4d1448", "pedantic_liskov", "nginx",
                 "/docker-entrypoint.sh nginx -g 'daemon off;'", SPEC_NOW - 2, "Up 1 second",
                 [{"PrivatePort": 80, "Type": "tcp"}])
    out, _ = format_containers([s], now=SPEC_NOW)
    assert out.splitlines()[1] == (
        '0246aa4d1448   nginx     "/docker-entrypoint.…"   2 seconds ago   Up 1 second   80/tcp'
        "    pedantic_liskov")


def test_empty_list_prints_only_the_header() -> None:
    out, _ = format_containers([], now=SPEC_NOW)
    assert out == "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"


def test_quiet_with_format_warns_on_stderr() -> None:
    s = _summary("abc", "web", "nginx", "x", SPEC_NOW, "Up 1 second")
    out, err = format_containers([s], fmt="{{.Names}}", quiet=True, now=SPEC_NOW)
    assert (out, err) == ("abc000000000\n",
                          "WARNING: Ignoring custom format, because both --format and --quiet are set.\n")


def test_warning_is_kept_when_the_template_fails() -> None:
    with pytest.raises(TemplateError) as e:
        format_containers([], fmt="{{.Foo}}", quiet=True, now=SPEC_NOW)
    assert e.value.stderr.startswith("WARNING: Ignoring custom format")
    assert e.value.exit_code == 1


@pytest.mark.parametrize("ports, expected", [
    ([], ""),
    ([{"PrivatePort": 80, "Type": "tcp"}], "80/tcp"),
    ([{"PrivatePort": p, "Type": "tcp"} for p in (80, 81, 82)], "80-82/tcp"),
    ([{"PrivatePort": 81, "Type": "udp"}, {"PrivatePort": 80, "Type": "tcp"}], "80/tcp, 81/udp"),
    ([{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
      {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}],
     "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"),
    ([{"IP": "0.0.0.0", "PrivatePort": p, "PublicPort": p, "Type": "tcp"} for p in (80, 81)],
     "0.0.0.0:80-81->80-81/tcp"),
    # Recorded from the docker CLI (v28): a gap ends a group, which is printed at that point.
    ([{"IP": "3.3.3.3", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
      {"IP": "2001:db8::1", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
      {"IP": "10.0.0.1", "PrivatePort": 80, "PublicPort": 8081, "Type": "tcp"},
      {"IP": "9.0.0.1", "PrivatePort": 80, "PublicPort": 8082, "Type": "tcp"},
      {"PrivatePort": 80, "Type": "udp"},
      {"PrivatePort": 81, "Type": "tcp"}, {"PrivatePort": 82, "Type": "tcp"},
      {"PrivatePort": 84, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 90, "PublicPort": 90, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 91, "PublicPort": 91, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 93, "PublicPort": 93, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 94, "PublicPort": 94, "Type": "sctp"}],
     ("81-82/tcp, 0.0.0.0:90-91->90-91/tcp, 80/udp, 84/tcp, 0.0.0.0:93->93/tcp, "
      "0.0.0.0:94->94/sctp, 10.0.0.1:8081->80/tcp, [2001:db8::1]:8080->80/tcp, "
      "3.3.3.3:8080->80/tcp, 9.0.0.1:8082->80/tcp")),
    ([{"IP": "::", "PrivatePort": 53, "PublicPort": 53, "Type": "udp"},
      {"IP": "0.0.0.0", "PrivatePort": 53, "PublicPort": 53, "Type": "udp"},
      {"IP": "127.0.0.1", "PrivatePort": 5000, "PublicPort": 5000, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 5001, "PublicPort": 5001, "Type": "tcp"}],
     "0.0.0.0:53->53/udp, [::]:53->53/udp, 127.0.0.1:5000->5000/tcp, 0.0.0.0:5001->5001/tcp"),
])
def test_display_ports_v28(ports: list, expected: str) -> None:
    assert display_ports(ports, cli_version=28) == expected


def test_display_ports_v29_orders_addresses_numerically() -> None:
    ports = [{"IP": ip, "PrivatePort": 80, "PublicPort": 8080 + i, "Type": "tcp"}
             for i, ip in enumerate(["2001:db8::1", "10.0.0.1", "9.0.0.1"])]
    assert display_ports(ports) == (
        "9.0.0.1:8082->80/tcp, 10.0.0.1:8081->80/tcp, [2001:db8::1]:8080->80/tcp")


@pytest.mark.parametrize("path, args, expected", [
    ("sleep", ["1000"], "sleep 1000"),
    ("/hello", [], "/hello"),
    ("sh", ["-c", "echo hello world"], "sh -c 'echo hello world'"),
    ("/docker-entrypoint.sh", ["nginx", "-g", "daemon off;"],
     "/docker-entrypoint.sh nginx -g 'daemon off;'"),
])
def test_command_string(path: str, args: list[str], expected: str) -> None:
    assert command_string(path, args) == expected


@pytest.mark.parametrize("cmd, trunc, expected", [
    ("/docker-entrypoint.sh nginx -g 'daemon off;'", True, '"/docker-entrypoint.…"'),
    ("sleep 1000", True, '"sleep 1000"'),
    ("sh -c 'echo hello world'", True, '"sh -c \'echo hello w…"'),
    ('sh -c \'echo "hello world" \\ x\'', True, '"sh -c \'echo \\"hello …"'),
    ('sh -c \'echo "hello world" \\ x\'', False, '"sh -c \'echo \\"hello world\\" \\\\ x\'"'),
    ("echo 日本語日本語日本語日本語日本語", True, '"echo 日本語日本語日…"'),
    ("echo 😀😀😀😀😀😀😀😀😀😀😀😀", True, '"echo 😀😀😀😀😀😀😀…"'),
    ("echo a\tb\x01c\x7f", True, '"echo a\\tb\\x01c\\x7f"'),
    ("", True, '""'),
])
def test_display_command(cmd: str, trunc: bool, expected: str) -> None:
    assert display_command(cmd, trunc) == expected


def test_ellipsis_edges() -> None:
    assert ellipsis("abc", 0) == ""
    assert ellipsis("日本", 1) == "日"
    assert ellipsis("ab", 2) == "ab"
    assert ellipsis("日本語", 5) == "日本…"


@pytest.mark.parametrize("image, image_id, trunc, expected", [
    ("nginx", "sha256:" + "a" * 64, True, "nginx"),
    ("nginx:alpine", "sha256:" + "a" * 64, True, "nginx:alpine"),
    ("docker.io/library/nginx:latest", "sha256:" + "a" * 64, True, "nginx:latest"),
    ("docker.io/library/nginx:1.25@sha256:" + "1" * 64, "sha256:" + "a" * 64, True, "nginx:1.25"),
    ("nginx@sha256:" + "1" * 64, "sha256:" + "a" * 64, True, "nginx"),
    ("sha256:" + "9a" * 32, "sha256:" + "9a" * 32, True, "9a9a9a9a9a9a"),
    ("9a9a9a9a9a9a", "sha256:" + "9a" * 32, True, "9a9a9a9a9a9a"),
    ("registry.example.com:5000/team/app:v1", "sha256:" + "a" * 64, True,
     "registry.example.com:5000/team/app:v1"),
    ("Not/Valid", "sha256:" + "a" * 64, True, "Not/Valid"),
    ("docker.io/library/nginx", "sha256:" + "a" * 64, False, "docker.io/library/nginx"),
    ("", "", True, "<no image>"),
])
def test_display_image(image: str, image_id: str, trunc: bool, expected: str) -> None:
    assert display_image(image, image_id, trunc) == expected


@pytest.mark.parametrize("fmt, quiet, size, expected", [
    (None, False, False, False),
    (None, False, True, True),
    ("{{.Names}}", False, False, False),
    ("table {{.Names}}\t{{.Size}}", False, False, True),
    ("{{json .}}", False, False, True),
    ("json", False, False, False),
    ("{{.Size}}", True, False, False),
])
def test_ps_wants_size(fmt: str | None, quiet: bool, size: bool, expected: bool) -> None:
    assert ps_wants_size(fmt, quiet, size) is expected


def test_size_column_with_format_using_size() -> None:
    s = dict(SUMMARIES[0])
    out, _ = format_containers([s], fmt="table {{.Names}}\t{{.Size}}", now=NOW)
    assert out == "NAMES     SIZE\nweb       12.3kB (virtual 187MB)\n"


def test_v29_json_has_health_and_addresses() -> None:
    out, _ = format_containers([SUMMARIES[0]], fmt="json", now=NOW)
    assert '"HealthStatus":"healthy"' in out
    assert '"IPAddresses":[{"Network":"alpha","IP":"10.0.0.5"}' in out
