"""Fixtures for lesson tests: a tiny valid lesson to break on purpose, engines, and web apps."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine

LESSON_YAML = """\
id: tiny
order: 1
images: [ubuntu:20.04]
setup:
  - docker rm -f tiny-box
steps:
  - id: make-box
    check:
      container: {name: tiny-box, state: created}
    solution:
      - docker create --name tiny-box ubuntu:20.04
  - id: list-all
    check:
      ran: {command: ps, options: {all: true}}
    solution:
      - docker ps -a
"""

EN_MD = """\
---
title: A `tiny` lesson
summary: Two steps.
---

Intro.

## Make a box {#make-box}

Create it:

```console
docker create --name tiny-box ubuntu:20.04
```

### Hint {.hint}

Use `docker create`.

## List everything {#list-all}

Run:

~~~console
docker ps -a
~~~

### Hint {.hint}

The option is `-a`.

## Done {.outro}

Well done.
"""

KO_MD = """\
---
title: 작은 레슨
summary: 두 단계.
---

소개.

## 상자 만들기 {#make-box}

만드세요.

```console
docker create --name tiny-box ubuntu:20.04
```

### 힌트 {.hint}

`docker create`를 쓰세요.

## 모두 보기 {#list-all}

실행하세요.

```console
docker ps -a
```

### 힌트 {.hint}

옵션은 `-a`입니다.
"""


def write_lesson(root: Path, name: str = "tiny", *, yaml: str = LESSON_YAML, en: str | None = EN_MD,
                 ko: str | None = KO_MD, extra: dict[str, str] | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.yaml").write_text(textwrap.dedent(yaml), encoding="utf-8")
    if en is not None:
        (folder / "en.md").write_text(en, encoding="utf-8")
    if ko is not None:
        (folder / "ko.md").write_text(ko, encoding="utf-8")
    for file, text in (extra or {}).items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def lessons_root(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    root.mkdir()
    return root


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(VirtualClock(), seed=7)


@pytest.fixture
def make_app(tmp_path, app_db):
    """Apps on one temporary database and a virtual clock (a second app on it is a restart)."""
    from webapp import close_app, create_app

    apps: list[Any] = []

    def make(**overrides: Any):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "LAB_CLOCK": "virtual",
            "LAB_DB": app_db,
            "LAB_INSTANCE": str(tmp_path / "instance"),
            "LAB_NODE_MODULES": str(tmp_path / "node_modules"),
            "LAB_REAP_INTERVAL": 0,
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)
