"""``docker inspect`` output, checked against the real docker CLI.

``WEB`` and ``CREATED`` are container inspect objects in the ``GET /containers/{id}/json``
shape. Each case was recorded as ``docker container inspect [-f F] web sleepy`` from the docker
CLI v28.2.2 talking to a stub daemon that served these objects. The CLI first runs ``-f``
templates on its typed struct and falls back to the raw JSON with ``missingkey=error``; both
passes show up below (``<no value>`` versus ``map has no entry for key``).
"""

from __future__ import annotations

import pytest

from webapp.engine.formats import TemplateError, format_inspect
from webapp.engine.formats.inspect import raw_object, sort_maps, typed_object

WEB = {
    "Id": "3f2a9c1b7d4e" + "5" * 52,
    "Created": "2026-08-23T10:15:30.123456789Z",
    "Path": "/docker-entrypoint.sh",
    "Args": ["nginx", "-g", "daemon off;"],
    "State": {
        "Status": "running", "Running": True, "Paused": False, "Restarting": False,
        "OOMKilled": False, "Dead": False, "Pid": 4242, "ExitCode": 0, "Error": "",
        "StartedAt": "2026-08-23T10:15:31.5Z", "FinishedAt": "0001-01-01T00:00:00Z",
        "Health": {"Status": "healthy", "FailingStreak": 0, "Log": [
            {"Start": "2026-08-23T10:16:01.000000001Z", "End": "2026-08-23T10:16:01.2Z",
             "ExitCode": 0, "Output": "ok\n"}]},
    },
    "Image": "sha256:" + "ab" * 32,
    "Name": "/web",
    "RestartCount": 2,
    "Driver": "overlay2",
    "Platform": "linux",
    "HostConfig": {
        "NetworkMode": "bridge",
        "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]},
        "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0},
        "LogConfig": {"Type": "json-file", "Config": {}},
        "AutoRemove": False,
        "ShmSize": 67108864,
        "OomKillDisable": False,
    },
    "Mounts": [{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data",
                "Destination": "/data", "Driver": "local", "Mode": "z", "RW": True,
                "Propagation": ""}],
    "Config": {
        "Hostname": "3f2a9c1b7d4e", "Domainname": "", "User": "",
        "ExposedPorts": {"80/tcp": {}},
        "Env": ["PATH=/usr/bin", "X=<a&b>"],
        "Cmd": ["nginx", "-g", "daemon off;"],
        "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 30000000000, "Retries": 3},
        "Image": "nginx",
        "Labels": {"a": "1", "maintainer": "NGINX <docker-maint@nginx.com>"},
        "StopSignal": "SIGQUIT",
    },
    "NetworkSettings": {
        "Bridge": "", "SandboxID": "", "SandboxKey": "",
        "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"},
                             {"HostIp": "::", "HostPort": "8080"}]},
        "Gateway": "172.17.0.1", "IPAddress": "172.17.0.2", "IPPrefixLen": 16,
        "MacAddress": "02:42:ac:11:00:02",
        "Networks": {"bridge": {
            "IPAMConfig": None, "Links": None, "Aliases": None,
            "MacAddress": "02:42:ac:11:00:02", "NetworkID": "n" * 64, "EndpointID": "e" * 64,
            "Gateway": "172.17.0.1", "IPAddress": "172.17.0.2", "IPPrefixLen": 16,
            "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
            "DNSNames": None}},
    },
}
CREATED = {
    "Id": "a1b2c3d4e5f6" + "7" * 52,
    "Created": "2026-08-23T10:10:00Z",
    "Path": "sleep",
    "Args": ["1000"],
    "State": {"Status": "created", "Running": False, "Paused": False, "Restarting": False,
              "OOMKilled": False, "Dead": False, "Pid": 0, "ExitCode": 0, "Error": "",
              "StartedAt": "0001-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"},
    "Image": "sha256:" + "cd" * 32,
    "Name": "/sleepy",
    "RestartCount": 0,
    "Mounts": [],
    "Config": {"Hostname": "a1b2c3d4e5f6", "Cmd": ["sleep", "1000"], "Image": "alpine",
               "Labels": {}, "Env": None},
    "NetworkSettings": {"Networks": {}},
}

CASES = [
    pytest.param(
        '{{.State.Health.Status}}',
        ['web', 'sleepy'],
        'healthy\n',
        'template parsing error: template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"\n',
        1,
        id='inspect-1',
    ),
    pytest.param(
        '{{.Config.Labels}}',
        ['web', 'sleepy'],
        'map[a:1 maintainer:NGINX <docker-maint@nginx.com>]\nmap[]\n',
        '',
        0,
        id='inspect-2',
    ),
    pytest.param(
        '{{json .Config.Labels}}',
        ['web', 'sleepy'],
        '{"a":"1","maintainer":"NGINX <docker-maint@nginx.com>"}\n{}\n',
        '',
        0,
        id='inspect-3',
    ),
    pytest.param(
        '{{.Config.Healthcheck}}',
        ['web', 'sleepy'],
        '{[CMD-SHELL true] 30s 0s 0s 0s 3}\n<nil>\n',
        '',
        0,
        id='inspect-4',
    ),
    pytest.param(
        '{{json .Config.Healthcheck}}',
        ['web', 'sleepy'],
        '{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3}\nnull\n',
        '',
        0,
        id='inspect-5',
    ),
    pytest.param(
        '{{.HostConfig.RestartPolicy}}',
        ['web', 'sleepy'],
        '{unless-stopped 0}\n',
        'template parsing error: template: :1:13: executing "" at <.HostConfig.RestartPolicy>: map has no entry for key "HostConfig"\n',
        1,
        id='inspect-6',
    ),
    pytest.param(
        '{{.HostConfig.RestartPolicy.Name}}',
        ['web', 'sleepy'],
        'unless-stopped\n',
        'template parsing error: template: :1:13: executing "" at <.HostConfig.RestartPolicy.Name>: map has no entry for key "HostConfig"\n',
        1,
        id='inspect-7',
    ),
    pytest.param(
        '{{.RestartCount}}',
        ['web', 'sleepy'],
        '2\n0\n',
        '',
        0,
        id='inspect-8',
    ),
    pytest.param(
        '{{.NetworkSettings.IPAddress}}',
        ['web', 'sleepy'],
        '172.17.0.2\n\n',
        '',
        0,
        id='inspect-9',
    ),
    pytest.param(
        '{{range $p, $b := .NetworkSettings.Ports}}{{$p}} -> {{range $b}}{{.HostIp}}:{{.HostPort}} {{end}}{{end}}',
        ['web', 'sleepy'],
        '80/tcp -> 0.0.0.0:8080 :::8080 \n\n',
        '',
        0,
        id='inspect-10',
    ),
    pytest.param(
        '{{range $p, $b := .NetworkSettings.Ports}}{{$p}} -> {{range $b}}{{.HostIP}}:{{.HostPort}} {{end}}{{end}}',
        ['web', 'sleepy'],
        '80/tcp -> 0.0.0.0:8080 :::8080 \n\n',
        '',
        0,
        id='inspect-11',
    ),
    pytest.param(
        '{{.Config.Env}}',
        ['web', 'sleepy'],
        '[PATH=/usr/bin X=<a&b>]\n[]\n',
        '',
        0,
        id='inspect-12',
    ),
    pytest.param(
        '{{join .Config.Cmd " "}}',
        ['web', 'sleepy'],
        'nginx -g daemon off;\nsleep 1000\n',
        '',
        0,
        id='inspect-13',
    ),
    pytest.param(
        '{{json .Config.Env}}',
        ['web', 'sleepy'],
        '["PATH=/usr/bin","X=<a&b>"]\nnull\n',
        '',
        0,
        id='inspect-14',
    ),
    pytest.param(
        '{{.Mounts}}',
        ['web', 'sleepy'],
        '[{volume data /var/lib/docker/volumes/data/_data /data local z true }]\n[]\n',
        '',
        0,
        id='inspect-15',
    ),
    pytest.param(
        '{{range .Mounts}}{{.Name}} -> {{.Destination}}{{end}}',
        ['web', 'sleepy'],
        'data -> /data\n\n',
        '',
        0,
        id='inspect-16',
    ),
    pytest.param(
        '{{index .Config.Labels "maintainer"}}',
        ['web', 'sleepy'],
        'NGINX <docker-maint@nginx.com>\n\n',
        '',
        0,
        id='inspect-17',
    ),
    pytest.param(
        '{{.Config.Labels.a}}|{{.Config.Labels.nope}}',
        ['web', 'sleepy'],
        '1|<no value>\n<no value>|<no value>\n',
        '',
        0,
        id='inspect-18',
    ),
    pytest.param(
        '{{.Foo}}',
        ['web', 'sleepy'],
        '\n',
        'template parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"\ntemplate parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"\n',
        1,
        id='inspect-19',
    ),
    pytest.param(
        '{{.State.Foo}}',
        ['web', 'sleepy'],
        '\n',
        'template parsing error: template: :1:8: executing "" at <.State.Foo>: map has no entry for key "Foo"\ntemplate parsing error: template: :1:8: executing "" at <.State.Foo>: map has no entry for key "Foo"\n',
        1,
        id='inspect-20',
    ),
    pytest.param(
        '{{.Config.Healthcheck.Test}}',
        ['web', 'sleepy'],
        '[CMD-SHELL true]\n',
        'template parsing error: template: :1:9: executing "" at <.Config.Healthcheck.Test>: map has no entry for key "Healthcheck"\n',
        1,
        id='inspect-21',
    ),
    pytest.param(
        '{{with .State.Health}}{{.Status}}{{else}}none{{end}}',
        ['web', 'sleepy'],
        'healthy\nnone\n',
        '',
        0,
        id='inspect-22',
    ),
    pytest.param(
        '{{(index .State.Health.Log 0).Start}}',
        ['web', 'sleepy'],
        '2026-08-23 10:16:01.000000001 +0000 UTC\n',
        'template parsing error: template: :1:15: executing "" at <.State.Health.Log>: map has no entry for key "Health"\n',
        1,
        id='inspect-23',
    ),
    pytest.param(
        '{{printf "%+v" .HostConfig.RestartPolicy}}',
        ['web', 'sleepy'],
        '{Name:unless-stopped MaximumRetryCount:0}\n',
        'template parsing error: template: :1:26: executing "" at <.HostConfig.RestartPolicy>: map has no entry for key "HostConfig"\n',
        1,
        id='inspect-24',
    ),
    pytest.param(
        '{{.Id}}',
        ['web', 'sleepy'],
        '3f2a9c1b7d4e5555555555555555555555555555555555555555555555555555\na1b2c3d4e5f67777777777777777777777777777777777777777777777777777\n',
        '',
        0,
        id='inspect-25',
    ),
    pytest.param(
        '{{.ID}}',
        ['web', 'sleepy'],
        '3f2a9c1b7d4e5555555555555555555555555555555555555555555555555555\na1b2c3d4e5f67777777777777777777777777777777777777777777777777777\n',
        '',
        0,
        id='inspect-26',
    ),
    pytest.param(
        '{{.Name}}',
        ['web', 'sleepy'],
        '/web\n/sleepy\n',
        '',
        0,
        id='inspect-27',
    ),
    pytest.param(
        '{{lower .State.Status}}',
        ['web', 'sleepy'],
        'running\ncreated\n',
        '',
        0,
        id='inspect-28',
    ),
    pytest.param(
        '{{.State.Pid.X}}',
        ['web', 'sleepy'],
        '\n',
        'template parsing error: template: :1:8: executing "" at <.State.Pid.X>: can\'t evaluate field X in type interface {}\ntemplate parsing error: template: :1:8: executing "" at <.State.Pid.X>: can\'t evaluate field X in type interface {}\n',
        1,
        id='inspect-29',
    ),
    pytest.param(
        '{{.ID',
        ['web', 'sleepy'],
        '',
        'template parsing error: template: :1: unclosed action\n',
        64,
        id='inspect-30',
    ),
    pytest.param(
        None,
        ['web', 'sleepy'],
        '[\n    {\n        "Id": "3f2a9c1b7d4e5555555555555555555555555555555555555555555555555555",\n        "Created": "2026-08-23T10:15:30.123456789Z",\n        "Path": "/docker-entrypoint.sh",\n        "Args": [\n            "nginx",\n            "-g",\n            "daemon off;"\n        ],\n        "State": {\n            "Status": "running",\n            "Running": true,\n            "Paused": false,\n            "Restarting": false,\n            "OOMKilled": false,\n            "Dead": false,\n            "Pid": 4242,\n            "ExitCode": 0,\n            "Error": "",\n            "StartedAt": "2026-08-23T10:15:31.5Z",\n            "FinishedAt": "0001-01-01T00:00:00Z",\n            "Health": {\n                "Status": "healthy",\n                "FailingStreak": 0,\n                "Log": [\n                    {\n                        "Start": "2026-08-23T10:16:01.000000001Z",\n                        "End": "2026-08-23T10:16:01.2Z",\n                        "ExitCode": 0,\n                        "Output": "ok\\n"\n                    }\n                ]\n            }\n        },\n        "Image": "sha256:abababababababababababababababababababababababababababababababab",\n        "Name": "/web",\n        "RestartCount": 2,\n        "Driver": "overlay2",\n        "Platform": "linux",\n        "HostConfig": {\n            "NetworkMode": "bridge",\n            "PortBindings": {\n                "80/tcp": [\n                    {\n                        "HostIp": "",\n                        "HostPort": "8080"\n                    }\n                ]\n            },\n            "RestartPolicy": {\n                "Name": "unless-stopped",\n                "MaximumRetryCount": 0\n            },\n            "LogConfig": {\n                "Type": "json-file",\n                "Config": {}\n            },\n            "AutoRemove": false,\n            "ShmSize": 67108864,\n            "OomKillDisable": false\n        },\n        "Mounts": [\n            {\n                "Type": "volume",\n                "Name": "data",\n                "Source": "/var/lib/docker/volumes/data/_data",\n                "Destination": "/data",\n                "Driver": "local",\n                "Mode": "z",\n                "RW": true,\n                "Propagation": ""\n            }\n        ],\n        "Config": {\n            "Hostname": "3f2a9c1b7d4e",\n            "Domainname": "",\n            "User": "",\n            "ExposedPorts": {\n                "80/tcp": {}\n            },\n            "Env": [\n                "PATH=/usr/bin",\n                "X=<a&b>"\n            ],\n            "Cmd": [\n                "nginx",\n                "-g",\n                "daemon off;"\n            ],\n            "Healthcheck": {\n                "Test": [\n                    "CMD-SHELL",\n                    "true"\n                ],\n                "Interval": 30000000000,\n                "Retries": 3\n            },\n            "Image": "nginx",\n            "Labels": {\n                "a": "1",\n                "maintainer": "NGINX <docker-maint@nginx.com>"\n            },\n            "StopSignal": "SIGQUIT"\n        },\n        "NetworkSettings": {\n            "Bridge": "",\n            "SandboxID": "",\n            "SandboxKey": "",\n            "Ports": {\n                "80/tcp": [\n                    {\n                        "HostIp": "0.0.0.0",\n                        "HostPort": "8080"\n                    },\n                    {\n                        "HostIp": "::",\n                        "HostPort": "8080"\n                    }\n                ]\n            },\n            "Gateway": "172.17.0.1",\n            "IPAddress": "172.17.0.2",\n            "IPPrefixLen": 16,\n            "MacAddress": "02:42:ac:11:00:02",\n            "Networks": {\n                "bridge": {\n                    "IPAMConfig": null,\n                    "Links": null,\n                    "Aliases": null,\n                    "MacAddress": "02:42:ac:11:00:02",\n                    "NetworkID": "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",\n                    "EndpointID": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",\n                    "Gateway": "172.17.0.1",\n                    "IPAddress": "172.17.0.2",\n                    "IPPrefixLen": 16,\n                    "IPv6Gateway": "",\n                    "GlobalIPv6Address": "",\n                    "GlobalIPv6PrefixLen": 0,\n                    "DNSNames": null\n                }\n            }\n        }\n    },\n    {\n        "Id": "a1b2c3d4e5f67777777777777777777777777777777777777777777777777777",\n        "Created": "2026-08-23T10:10:00Z",\n        "Path": "sleep",\n        "Args": [\n            "1000"\n        ],\n        "State": {\n            "Status": "created",\n            "Running": false,\n            "Paused": false,\n            "Restarting": false,\n            "OOMKilled": false,\n            "Dead": false,\n            "Pid": 0,\n            "ExitCode": 0,\n            "Error": "",\n            "StartedAt": "0001-01-01T00:00:00Z",\n            "FinishedAt": "0001-01-01T00:00:00Z"\n        },\n        "Image": "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",\n        "Name": "/sleepy",\n        "RestartCount": 0,\n        "Mounts": [],\n        "Config": {\n            "Hostname": "a1b2c3d4e5f6",\n            "Cmd": [\n                "sleep",\n                "1000"\n            ],\n            "Image": "alpine",\n            "Labels": {},\n            "Env": null\n        },\n        "NetworkSettings": {\n            "Networks": {}\n        }\n    }\n]\n',
        '',
        0,
        id='inspect-31',
    ),
    pytest.param(
        'json',
        ['web', 'sleepy'],
        '[{"Id":"3f2a9c1b7d4e5555555555555555555555555555555555555555555555555555","Created":"2026-08-23T10:15:30.123456789Z","Path":"/docker-entrypoint.sh","Args":["nginx","-g","daemon off;"],"State":{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2026-08-23T10:15:31.5Z","FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"healthy","FailingStreak":0,"Log":[{"Start":"2026-08-23T10:16:01.000000001Z","End":"2026-08-23T10:16:01.2Z","ExitCode":0,"Output":"ok\\n"}]}},"Image":"sha256:abababababababababababababababababababababababababababababababab","Name":"/web","RestartCount":2,"Driver":"overlay2","Platform":"linux","HostConfig":{"NetworkMode":"bridge","PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"RestartPolicy":{"Name":"unless-stopped","MaximumRetryCount":0},"LogConfig":{"Type":"json-file","Config":{}},"AutoRemove":false,"ShmSize":67108864,"OomKillDisable":false},"Mounts":[{"Type":"volume","Name":"data","Source":"/var/lib/docker/volumes/data/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}],"Config":{"Hostname":"3f2a9c1b7d4e","Domainname":"","User":"","ExposedPorts":{"80/tcp":{}},"Env":["PATH=/usr/bin","X=<a&b>"],"Cmd":["nginx","-g","daemon off;"],"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3},"Image":"nginx","Labels":{"a":"1","maintainer":"NGINX <docker-maint@nginx.com>"},"StopSignal":"SIGQUIT"},"NetworkSettings":{"Bridge":"","SandboxID":"","SandboxKey":"","Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}]},"Gateway":"172.17.0.1","IPAddress":"172.17.0.2","IPPrefixLen":16,"MacAddress":"02:42:ac:11:00:02","Networks":{"bridge":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"02:42:ac:11:00:02","NetworkID":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn","EndpointID":"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee","Gateway":"172.17.0.1","IPAddress":"172.17.0.2","IPPrefixLen":16,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}},{"Id":"a1b2c3d4e5f67777777777777777777777777777777777777777777777777777","Created":"2026-08-23T10:10:00Z","Path":"sleep","Args":["1000"],"State":{"Status":"created","Running":false,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":0,"ExitCode":0,"Error":"","StartedAt":"0001-01-01T00:00:00Z","FinishedAt":"0001-01-01T00:00:00Z"},"Image":"sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd","Name":"/sleepy","RestartCount":0,"Mounts":[],"Config":{"Hostname":"a1b2c3d4e5f6","Cmd":["sleep","1000"],"Image":"alpine","Labels":{},"Env":null},"NetworkSettings":{"Networks":{}}}]\n',
        '',
        0,
        id='inspect-32',
    ),
    pytest.param(
        None,
        ['web'],
        '[\n    {\n        "Id": "3f2a9c1b7d4e5555555555555555555555555555555555555555555555555555",\n        "Created": "2026-08-23T10:15:30.123456789Z",\n        "Path": "/docker-entrypoint.sh",\n        "Args": [\n            "nginx",\n            "-g",\n            "daemon off;"\n        ],\n        "State": {\n            "Status": "running",\n            "Running": true,\n            "Paused": false,\n            "Restarting": false,\n            "OOMKilled": false,\n            "Dead": false,\n            "Pid": 4242,\n            "ExitCode": 0,\n            "Error": "",\n            "StartedAt": "2026-08-23T10:15:31.5Z",\n            "FinishedAt": "0001-01-01T00:00:00Z",\n            "Health": {\n                "Status": "healthy",\n                "FailingStreak": 0,\n                "Log": [\n                    {\n                        "Start": "2026-08-23T10:16:01.000000001Z",\n                        "End": "2026-08-23T10:16:01.2Z",\n                        "ExitCode": 0,\n                        "Output": "ok\\n"\n                    }\n                ]\n            }\n        },\n        "Image": "sha256:abababababababababababababababababababababababababababababababab",\n        "Name": "/web",\n        "RestartCount": 2,\n        "Driver": "overlay2",\n        "Platform": "linux",\n        "HostConfig": {\n            "NetworkMode": "bridge",\n            "PortBindings": {\n                "80/tcp": [\n                    {\n                        "HostIp": "",\n                        "HostPort": "8080"\n                    }\n                ]\n            },\n            "RestartPolicy": {\n                "Name": "unless-stopped",\n                "MaximumRetryCount": 0\n            },\n            "LogConfig": {\n                "Type": "json-file",\n                "Config": {}\n            },\n            "AutoRemove": false,\n            "ShmSize": 67108864,\n            "OomKillDisable": false\n        },\n        "Mounts": [\n            {\n                "Type": "volume",\n                "Name": "data",\n                "Source": "/var/lib/docker/volumes/data/_data",\n                "Destination": "/data",\n                "Driver": "local",\n                "Mode": "z",\n                "RW": true,\n                "Propagation": ""\n            }\n        ],\n        "Config": {\n            "Hostname": "3f2a9c1b7d4e",\n            "Domainname": "",\n            "User": "",\n            "ExposedPorts": {\n                "80/tcp": {}\n            },\n            "Env": [\n                "PATH=/usr/bin",\n                "X=<a&b>"\n            ],\n            "Cmd": [\n                "nginx",\n                "-g",\n                "daemon off;"\n            ],\n            "Healthcheck": {\n                "Test": [\n                    "CMD-SHELL",\n                    "true"\n                ],\n                "Interval": 30000000000,\n                "Retries": 3\n            },\n            "Image": "nginx",\n            "Labels": {\n                "a": "1",\n                "maintainer": "NGINX <docker-maint@nginx.com>"\n            },\n            "StopSignal": "SIGQUIT"\n        },\n        "NetworkSettings": {\n            "Bridge": "",\n            "SandboxID": "",\n            "SandboxKey": "",\n            "Ports": {\n                "80/tcp": [\n                    {\n                        "HostIp": "0.0.0.0",\n                        "HostPort": "8080"\n                    },\n                    {\n                        "HostIp": "::",\n                        "HostPort": "8080"\n                    }\n                ]\n            },\n            "Gateway": "172.17.0.1",\n            "IPAddress": "172.17.0.2",\n            "IPPrefixLen": 16,\n            "MacAddress": "02:42:ac:11:00:02",\n            "Networks": {\n                "bridge": {\n                    "IPAMConfig": null,\n                    "Links": null,\n                    "Aliases": null,\n                    "MacAddress": "02:42:ac:11:00:02",\n                    "NetworkID": "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",\n                    "EndpointID": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",\n                    "Gateway": "172.17.0.1",\n                    "IPAddress": "172.17.0.2",\n                    "IPPrefixLen": 16,\n                    "IPv6Gateway": "",\n                    "GlobalIPv6Address": "",\n                    "GlobalIPv6PrefixLen": 0,\n                    "DNSNames": null\n                }\n            }\n        }\n    }\n]\n',
        '',
        0,
        id='inspect-33',
    ),
    pytest.param(
        '{{.Name}}',
        ['nosuch'],
        '\n',
        '',
        0,
        id='inspect-34',
    ),
]

OBJECTS = {"web": WEB, "sleepy": CREATED}


def run_inspect(fmt: str | None, names: list[str]) -> tuple[str, str, int]:
    found = [OBJECTS[n] for n in names if n in OBJECTS]
    try:
        return format_inspect(found, fmt), "", 0
    except TemplateError as e:
        return e.stdout, e.stderr + e.message + "\n", e.exit_code


@pytest.mark.parametrize("fmt, names, stdout, stderr, code", CASES)
def test_inspect_matches_docker_cli(fmt: str | None, names: list[str], stdout: str, stderr: str,
                                    code: int) -> None:
    assert run_inspect(fmt, names) == (stdout, stderr, code)


def test_nothing_found() -> None:
    assert format_inspect([]) == "[]\n"
    assert format_inspect([], "{{.Name}}") == "\n"


def test_layout_of_the_indented_array() -> None:
    out = format_inspect([{"Id": "x", "Args": [], "Config": {"Labels": {}}}, {"Id": "y"}])
    assert out == (
        '[\n    {\n        "Id": "x",\n        "Args": [],\n        "Config": {\n'
        '            "Labels": {}\n        }\n    },\n    {\n        "Id": "y"\n    }\n]\n')


def test_map_keys_are_sorted_like_a_go_daemon_but_struct_order_is_kept() -> None:
    obj = {"Name": "/a", "Id": "1", "Config": {"Labels": {"z": "1", "a": "2"}, "Cmd": ["b", "a"]}}
    assert sort_maps(obj, "container.InspectResponse") == {
        "Name": "/a", "Id": "1", "Config": {"Labels": {"a": "2", "z": "1"}, "Cmd": ["b", "a"]}}


def test_no_html_escaping() -> None:
    assert '"X=<a&b>"' in format_inspect([WEB])


def test_parse_error_exit_code() -> None:
    with pytest.raises(TemplateError) as e:
        format_inspect([WEB], "{{if}}")
    assert (e.value.message, e.value.exit_code) == (
        "template parsing error: template: :1: missing value for if", 64)


def test_typed_and_raw_views() -> None:
    typed = typed_object(WEB)
    assert typed is not None and typed.lookup("Name") == (True, "/web")
    assert raw_object({"Pid": 1, "x": [1.5]}) == {"Pid": "1", "x": ["1.5"]}
