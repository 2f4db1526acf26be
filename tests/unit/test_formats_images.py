"""``docker images`` output (classic table), checked against the real docker CLI.

``IMAGES`` are image summaries in the ``GET /images/json`` shape; each case was recorded from
the docker CLI v28.2.2 talking to a stub daemon serving exactly these summaries. Recording took
a moment, so a few cases read "31 seconds ago" where the first ones read "30".
"""

from __future__ import annotations

import pytest

from webapp.engine.formats import TemplateError, format_images

IMAGES = [{'Id': 'sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
  'ParentId': '',
  'RepoTags': ['nginx:latest', 'nginx:1.25', 'myreg.io:5000/nginx:prod'],
  'RepoDigests': ['nginx@sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1',
                  'myreg.io:5000/nginx@sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2'],
  'Created': 1794138106,
  'Size': 192000000,
  'SharedSize': -1,
  'VirtualSize': 192000000,
  'Labels': {'maintainer': 'x'},
  'Containers': -1},
 {'Id': 'sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2',
  'ParentId': '',
  'RepoTags': [],
  'RepoDigests': [],
  'Created': 1786707706,
  'Size': 7800000,
  'SharedSize': -1,
  'Labels': None,
  'Containers': 2},
 {'Id': 'sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3',
  'ParentId': '',
  'RepoTags': ['<none>:<none>'],
  'RepoDigests': ['<none>@<none>'],
  'Created': 1752147706,
  'Size': 13300,
  'SharedSize': 100,
  'Labels': {},
  'Containers': 0},
 {'Id': 'sha256:d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4',
  'ParentId': '',
  'RepoTags': None,
  'RepoDigests': ['alpine@sha256:e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5'],
  'Created': 1795344106,
  'Size': 999600,
  'SharedSize': -1,
  'Labels': {},
  'Containers': -1},
 {'Id': 'sha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6',
  'ParentId': '',
  'RepoTags': ['library/busybox:1', 'docker.io/library/busybox:2', 'user/app:v1'],
  'RepoDigests': [],
  'Created': 1795347676,
  'Size': 0,
  'SharedSize': -1,
  'Labels': {},
  'Containers': -1}]

CASES = [
    pytest.param(
        [],
        'REPOSITORY            TAG       IMAGE ID       CREATED             SIZE\nnginx                 latest    a1a1a1a1a1a1   2 weeks ago         192MB\nnginx                 1.25      a1a1a1a1a1a1   2 weeks ago         192MB\nmyreg.io:5000/nginx   prod      a1a1a1a1a1a1   2 weeks ago         192MB\n<none>                <none>    b2b2b2b2b2b2   3 months ago        7.8MB\n<none>                <none>    c3c3c3c3c3c3   16 months ago       13.3kB\nalpine                <none>    d4d4d4d4d4d4   About an hour ago   1e+03kB\nbusybox               1         e6e6e6e6e6e6   30 seconds ago      0B\nbusybox               2         e6e6e6e6e6e6   30 seconds ago      0B\nuser/app              v1        e6e6e6e6e6e6   30 seconds ago      0B\n',
        '',
        0,
        id='images-0',
    ),
    pytest.param(
        ['--no-trunc'],
        'REPOSITORY            TAG       IMAGE ID                                                                  CREATED             SIZE\nnginx                 latest    sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1   2 weeks ago         192MB\nnginx                 1.25      sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1   2 weeks ago         192MB\nmyreg.io:5000/nginx   prod      sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1   2 weeks ago         192MB\n<none>                <none>    sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2   3 months ago        7.8MB\n<none>                <none>    sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3   16 months ago       13.3kB\nalpine                <none>    sha256:d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4   About an hour ago   1e+03kB\nbusybox               1         sha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6   30 seconds ago      0B\nbusybox               2         sha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6   30 seconds ago      0B\nuser/app              v1        sha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6   30 seconds ago      0B\n',
        '',
        0,
        id='images-1',
    ),
    pytest.param(
        ['--digests'],
        'REPOSITORY            TAG       DIGEST                                                                    IMAGE ID       CREATED             SIZE\nnginx                 latest    sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1   a1a1a1a1a1a1   2 weeks ago         192MB\nnginx                 1.25      sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1   a1a1a1a1a1a1   2 weeks ago         192MB\nmyreg.io:5000/nginx   prod      sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2   a1a1a1a1a1a1   2 weeks ago         192MB\n<none>                <none>    <none>                                                                    b2b2b2b2b2b2   3 months ago        7.8MB\n<none>                <none>    <none>                                                                    c3c3c3c3c3c3   16 months ago       13.3kB\nalpine                <none>    sha256:e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5   d4d4d4d4d4d4   About an hour ago   1e+03kB\nbusybox               1         <none>                                                                    e6e6e6e6e6e6   30 seconds ago      0B\nbusybox               2         <none>                                                                    e6e6e6e6e6e6   30 seconds ago      0B\nuser/app              v1        <none>                                                                    e6e6e6e6e6e6   30 seconds ago      0B\n',
        '',
        0,
        id='images-2',
    ),
    pytest.param(
        ['-q'],
        'a1a1a1a1a1a1\na1a1a1a1a1a1\na1a1a1a1a1a1\nb2b2b2b2b2b2\nc3c3c3c3c3c3\nd4d4d4d4d4d4\ne6e6e6e6e6e6\ne6e6e6e6e6e6\ne6e6e6e6e6e6\n',
        '',
        0,
        id='images-3',
    ),
    pytest.param(
        ['-q', '--no-trunc'],
        'sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\nsha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\nsha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\nsha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\nsha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3\nsha256:d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4\nsha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6\nsha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6\nsha256:e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6\n',
        '',
        0,
        id='images-4',
    ),
    pytest.param(
        ['--format', 'table'],
        'REPOSITORY            TAG       IMAGE ID       CREATED             SIZE\nnginx                 latest    a1a1a1a1a1a1   2 weeks ago         192MB\nnginx                 1.25      a1a1a1a1a1a1   2 weeks ago         192MB\nmyreg.io:5000/nginx   prod      a1a1a1a1a1a1   2 weeks ago         192MB\n<none>                <none>    b2b2b2b2b2b2   3 months ago        7.8MB\n<none>                <none>    c3c3c3c3c3c3   16 months ago       13.3kB\nalpine                <none>    d4d4d4d4d4d4   About an hour ago   1e+03kB\nbusybox               1         e6e6e6e6e6e6   31 seconds ago      0B\nbusybox               2         e6e6e6e6e6e6   31 seconds ago      0B\nuser/app              v1        e6e6e6e6e6e6   31 seconds ago      0B\n',
        '',
        0,
        id='images-5',
    ),
    pytest.param(
        ['--format', 'json'],
        '{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"\\u003cnone\\u003e","ID":"a1a1a1a1a1a1","Repository":"nginx","SharedSize":"N/A","Size":"192MB","Tag":"latest","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"\\u003cnone\\u003e","ID":"a1a1a1a1a1a1","Repository":"nginx","SharedSize":"N/A","Size":"192MB","Tag":"1.25","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"\\u003cnone\\u003e","ID":"a1a1a1a1a1a1","Repository":"myreg.io:5000/nginx","SharedSize":"N/A","Size":"192MB","Tag":"prod","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"2","CreatedAt":"2026-08-14 11:41:46 +0000 UTC","CreatedSince":"3 months ago","Digest":"\\u003cnone\\u003e","ID":"b2b2b2b2b2b2","Repository":"\\u003cnone\\u003e","SharedSize":"N/A","Size":"7.8MB","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"7.8MB"}\n{"Containers":"0","CreatedAt":"2025-07-10 11:41:46 +0000 UTC","CreatedSince":"16 months ago","Digest":"\\u003cnone\\u003e","ID":"c3c3c3c3c3c3","Repository":"\\u003cnone\\u003e","SharedSize":"100B","Size":"13.3kB","Tag":"\\u003cnone\\u003e","UniqueSize":"13.2kB","VirtualSize":"13.3kB"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 10:41:46 +0000 UTC","CreatedSince":"About an hour ago","Digest":"","ID":"d4d4d4d4d4d4","Repository":"alpine","SharedSize":"N/A","Size":"1e+03kB","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"999.6kB"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"busybox","SharedSize":"N/A","Size":"0B","Tag":"1","UniqueSize":"N/A","VirtualSize":"0B"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"busybox","SharedSize":"N/A","Size":"0B","Tag":"2","UniqueSize":"N/A","VirtualSize":"0B"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"user/app","SharedSize":"N/A","Size":"0B","Tag":"v1","UniqueSize":"N/A","VirtualSize":"0B"}\n',
        '',
        0,
        id='images-6',
    ),
    pytest.param(
        ['--format', 'raw'],
        'repository: nginx\ntag: latest\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: nginx\ntag: 1.25\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: myreg.io:5000/nginx\ntag: prod\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: <none>\ntag: <none>\nimage_id: b2b2b2b2b2b2\ncreated_at: 2026-08-14 11:41:46 +0000 UTC\nvirtual_size: 7.8MB\n\nrepository: <none>\ntag: <none>\nimage_id: c3c3c3c3c3c3\ncreated_at: 2025-07-10 11:41:46 +0000 UTC\nvirtual_size: 13.3kB\n\nrepository: alpine\ntag: <none>\nimage_id: d4d4d4d4d4d4\ncreated_at: 2026-11-22 10:41:46 +0000 UTC\nvirtual_size: 1e+03kB\n\nrepository: busybox\ntag: 1\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\nrepository: busybox\ntag: 2\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\nrepository: user/app\ntag: v1\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\n',
        '',
        0,
        id='images-7',
    ),
    pytest.param(
        ['--digests', '--format', 'raw'],
        'repository: nginx\ntag: latest\ndigest: sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: nginx\ntag: 1.25\ndigest: sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: myreg.io:5000/nginx\ntag: prod\ndigest: sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2\nimage_id: a1a1a1a1a1a1\ncreated_at: 2026-11-08 11:41:46 +0000 UTC\nvirtual_size: 192MB\n\nrepository: <none>\ntag: <none>\ndigest: <none>\nimage_id: b2b2b2b2b2b2\ncreated_at: 2026-08-14 11:41:46 +0000 UTC\nvirtual_size: 7.8MB\n\nrepository: <none>\ntag: <none>\ndigest: <none>\nimage_id: c3c3c3c3c3c3\ncreated_at: 2025-07-10 11:41:46 +0000 UTC\nvirtual_size: 13.3kB\n\nrepository: alpine\ntag: <none>\ndigest: sha256:e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5\nimage_id: d4d4d4d4d4d4\ncreated_at: 2026-11-22 10:41:46 +0000 UTC\nvirtual_size: 1e+03kB\n\nrepository: busybox\ntag: 1\ndigest: <none>\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\nrepository: busybox\ntag: 2\ndigest: <none>\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\nrepository: user/app\ntag: v1\ndigest: <none>\nimage_id: e6e6e6e6e6e6\ncreated_at: 2026-11-22 11:41:16 +0000 UTC\nvirtual_size: 0B\n\n',
        '',
        0,
        id='images-8',
    ),
    pytest.param(
        ['--format', 'table {{.Repository}}:{{.Tag}}\\t{{.ID}}'],
        'REPOSITORY:TAG             IMAGE ID\nnginx:latest               a1a1a1a1a1a1\nnginx:1.25                 a1a1a1a1a1a1\nmyreg.io:5000/nginx:prod   a1a1a1a1a1a1\n<none>:<none>              b2b2b2b2b2b2\n<none>:<none>              c3c3c3c3c3c3\nalpine:<none>              d4d4d4d4d4d4\nbusybox:1                  e6e6e6e6e6e6\nbusybox:2                  e6e6e6e6e6e6\nuser/app:v1                e6e6e6e6e6e6\n',
        '',
        0,
        id='images-10',
    ),
    pytest.param(
        ['--digests', '--format', 'table {{.Repository}}:{{.Tag}}\\t{{.ID}}'],
        'REPOSITORY:TAG             IMAGE ID       DIGEST\nnginx:latest               a1a1a1a1a1a1   sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nnginx:1.25                 a1a1a1a1a1a1   sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nmyreg.io:5000/nginx:prod   a1a1a1a1a1a1   sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2\n<none>:<none>              b2b2b2b2b2b2   <none>\n<none>:<none>              c3c3c3c3c3c3   <none>\nalpine:<none>              d4d4d4d4d4d4   sha256:e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5\nbusybox:1                  e6e6e6e6e6e6   <none>\nbusybox:2                  e6e6e6e6e6e6   <none>\nuser/app:v1                e6e6e6e6e6e6   <none>\n',
        '',
        0,
        id='images-11',
    ),
    pytest.param(
        ['--format', 'table {{.Repository}}\\t{{.Digest}}'],
        'REPOSITORY            DIGEST\nnginx                 sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nnginx                 sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1\nmyreg.io:5000/nginx   sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2\n<none>                <none>\n<none>                <none>\nalpine                \nbusybox               <none>\nbusybox               <none>\nuser/app              <none>\n',
        '',
        0,
        id='images-12',
    ),
    pytest.param(
        ['--format', '{{.Containers}}|{{.SharedSize}}|{{.UniqueSize}}|{{.VirtualSize}}|{{.CreatedAt}}|{{.CreatedSince}}'],
        'N/A|N/A|N/A|192MB|2026-11-08 11:41:46 +0000 UTC|2 weeks ago\nN/A|N/A|N/A|192MB|2026-11-08 11:41:46 +0000 UTC|2 weeks ago\nN/A|N/A|N/A|192MB|2026-11-08 11:41:46 +0000 UTC|2 weeks ago\n2|N/A|N/A|7.8MB|2026-08-14 11:41:46 +0000 UTC|3 months ago\n0|100B|13.2kB|13.3kB|2025-07-10 11:41:46 +0000 UTC|16 months ago\nN/A|N/A|N/A|999.6kB|2026-11-22 10:41:46 +0000 UTC|About an hour ago\nN/A|N/A|N/A|0B|2026-11-22 11:41:16 +0000 UTC|31 seconds ago\nN/A|N/A|N/A|0B|2026-11-22 11:41:16 +0000 UTC|31 seconds ago\nN/A|N/A|N/A|0B|2026-11-22 11:41:16 +0000 UTC|31 seconds ago\n',
        '',
        0,
        id='images-13',
    ),
    pytest.param(
        ['--format', '{{.Foo}}'],
        '',
        'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.imageContext\n',
        1,
        id='images-14',
    ),
    pytest.param(
        ['--format', '{{.ID'],
        '',
        'template parsing error: template: :1: unclosed action\n',
        1,
        id='images-15',
    ),
    pytest.param(
        ['--format', 'table {{.Foo}}'],
        '',
        'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.imageContext\n',
        1,
        id='images-16',
    ),
    pytest.param(
        ['--digests', '--format', 'json'],
        '{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1","ID":"a1a1a1a1a1a1","Repository":"nginx","SharedSize":"N/A","Size":"192MB","Tag":"latest","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1","ID":"a1a1a1a1a1a1","Repository":"nginx","SharedSize":"N/A","Size":"192MB","Tag":"1.25","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"N/A","CreatedAt":"2026-11-08 11:41:46 +0000 UTC","CreatedSince":"2 weeks ago","Digest":"sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2","ID":"a1a1a1a1a1a1","Repository":"myreg.io:5000/nginx","SharedSize":"N/A","Size":"192MB","Tag":"prod","UniqueSize":"N/A","VirtualSize":"192MB"}\n{"Containers":"2","CreatedAt":"2026-08-14 11:41:46 +0000 UTC","CreatedSince":"3 months ago","Digest":"\\u003cnone\\u003e","ID":"b2b2b2b2b2b2","Repository":"\\u003cnone\\u003e","SharedSize":"N/A","Size":"7.8MB","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"7.8MB"}\n{"Containers":"0","CreatedAt":"2025-07-10 11:41:46 +0000 UTC","CreatedSince":"16 months ago","Digest":"\\u003cnone\\u003e","ID":"c3c3c3c3c3c3","Repository":"\\u003cnone\\u003e","SharedSize":"100B","Size":"13.3kB","Tag":"\\u003cnone\\u003e","UniqueSize":"13.2kB","VirtualSize":"13.3kB"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 10:41:46 +0000 UTC","CreatedSince":"About an hour ago","Digest":"sha256:e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5","ID":"d4d4d4d4d4d4","Repository":"alpine","SharedSize":"N/A","Size":"1e+03kB","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"999.6kB"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"busybox","SharedSize":"N/A","Size":"0B","Tag":"1","UniqueSize":"N/A","VirtualSize":"0B"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"busybox","SharedSize":"N/A","Size":"0B","Tag":"2","UniqueSize":"N/A","VirtualSize":"0B"}\n{"Containers":"N/A","CreatedAt":"2026-11-22 11:41:16 +0000 UTC","CreatedSince":"31 seconds ago","Digest":"\\u003cnone\\u003e","ID":"e6e6e6e6e6e6","Repository":"user/app","SharedSize":"N/A","Size":"0B","Tag":"v1","UniqueSize":"N/A","VirtualSize":"0B"}\n',
        '',
        0,
        id='images-17',
    ),
]

NOW = 1795347706


def run_images(args: list[str]) -> tuple[str, str, int]:
    kw: dict = {"fmt": None, "quiet": False, "no_trunc": False, "digests": False}
    args = list(args)
    while args:
        a = args.pop(0)
        if a == "--format":
            kw["fmt"] = args.pop(0)
        elif a == "-q":
            kw["quiet"] = True
        elif a == "--no-trunc":
            kw["no_trunc"] = True
        elif a == "--digests":
            kw["digests"] = True
        else:
            raise AssertionError(a)
    try:
        out, err = format_images(IMAGES, now=NOW, **kw)
        return out, err, 0
    except TemplateError as e:
        return e.stdout, e.stderr + e.message + "\n", e.exit_code


@pytest.mark.parametrize("args, stdout, stderr, code", CASES)
def test_images_match_docker_cli(args: list[str], stdout: str, stderr: str, code: int) -> None:
    # The stub's clock moved on by a second during the recording.
    got = run_images(args)
    assert got == (stdout.replace("31 seconds ago", "30 seconds ago"), stderr, code)


def test_spec_example_layout() -> None:
    now = 1787480000
    images = [
        {"Id": "sha256:605c77e624dd" + "0" * 52, "RepoTags": ["nginx:latest"], "RepoDigests": [],
         "Created": now - 15 * 86400, "Size": 192_000_000},
        {"Id": "sha256:91ef0af61f39" + "0" * 52, "RepoTags": ["alpine:3.20"], "RepoDigests": [],
         "Created": now - 100 * 86400, "Size": 7_800_000},
        {"Id": "sha256:d2c94e258dcb" + "0" * 52, "RepoTags": ["hello-world:latest"],
         "RepoDigests": [], "Created": now - 490 * 86400, "Size": 13_256},
    ]
    out, _ = format_images(images, now=now)
    assert out == (
        "REPOSITORY    TAG       IMAGE ID       CREATED         SIZE\n"
        "nginx         latest    605c77e624dd   2 weeks ago     192MB\n"
        "alpine        3.20      91ef0af61f39   3 months ago    7.8MB\n"
        "hello-world   latest    d2c94e258dcb   16 months ago   13.3kB\n"
    )


def test_empty_list_prints_only_the_header() -> None:
    assert format_images([], now=0) == (
        "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n", "")


def test_quiet_repeats_ids_per_tag() -> None:
    out, _ = format_images(IMAGES[:1], quiet=True, now=NOW)
    assert out == "a1a1a1a1a1a1\n" * 3
