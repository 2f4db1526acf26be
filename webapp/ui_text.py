"""Every fixed label of the pages (chrome, course map, lab panels, lesson page), per locale.

One place for the interface's words: templates call `t("key", n=3)` and the page's JavaScript reads
the same table from the `data-ui` attribute of `<body>` (JSON in an attribute: no inline script).
Lesson content is not here (it lives in lessons/<id>/<locale>.md).

Keys ending in `_html` hold a little trusted markup (`<code>`, `<kbd>`) and are marked safe for
the templates; every other value is plain text and is escaped like any other value. `{name}`
placeholders are filled by `t(key, name=...)` (and by the JS `t`).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .lessons import DEFAULT_LOCALE, LOCALES

LANGUAGE_NAMES = {"en": "EN", "ko": "한국어"}
LANGUAGE_TITLES = {"en": "English", "ko": "한국어 (Korean)"}

# key: (English, Korean)
UI: dict[str, tuple[str, str]] = {
    # -- shared chrome ----------------------------------------------------------------------------
    "site_description": (
        (
            "Learn how Docker containers live and die: type real docker commands and watch each "
            "container move through its lifecycle."
        ),
        (
            "Docker 컨테이너가 어떻게 살고 죽는지 배워 보세요. 진짜 docker 명령을 입력하고 컨테이너가 "
            "라이프사이클을 따라 움직이는 모습을 지켜봅니다."
        ),
    ),
    "skip_link": ("Skip to the content", "본문으로 건너뛰기"),
    "nav_label": ("Main", "주 메뉴"),
    "nav_course": ("Course", "코스"),
    "nav_sandbox": ("Sandbox", "샌드박스"),
    "nav_class": ("Class", "수업"),
    "language_label": ("Language", "언어"),
    "footer_html": (
        (
            "Lifecycle Lab — your <code>docker</code> commands are answered by a sandboxed engine; "
            "nothing runs on the host."
        ),
        (
            "Lifecycle Lab — 입력한 <code>docker</code> 명령에는 격리된 엔진이 답합니다. 호스트에서는 "
            "아무것도 실행되지 않습니다."
        ),
    ),
    "footer_json": ("The lifecycle as JSON", "라이프사이클 JSON"),
    "conn_offline": ("Offline", "오프라인"),
    "conn_online": ("Connected", "연결됨"),
    "engine_sim": ("simulator", "시뮬레이터"),
    # -- course map -----------------------------------------------------------------------------
    "home_title": (
        "Lifecycle Lab — learn how Docker containers live and die",
        "Lifecycle Lab — Docker 컨테이너가 살고 죽는 방식 배우기",
    ),
    "hero_kicker": ("An interactive course", "직접 해 보는 코스"),
    "hero_title": ("Watch a container live and die.", "컨테이너가 살고 죽는 모습을 지켜보세요."),
    "hero_lede_html": (
        (
            "Type real <code>docker</code> commands in a console. Each container is a token on the "
            "lifecycle graph: it moves from <em>Created</em> to <em>Running</em> to <em>Exited</em> as "
            "Docker's own events arrive, and you see why."
        ),
        (
            "콘솔에 진짜 <code>docker</code> 명령을 입력하세요. 컨테이너마다 라이프사이클 그래프 위에 "
            "토큰이 하나씩 있어, Docker가 보내는 이벤트에 따라 <em>Created</em>에서 "
            "<em>Running</em>, <em>Exited</em>로 움직입니다. 왜 그렇게 되는지도 보입니다."
        ),
    ),
    "open_sandbox": ("Open the sandbox", "샌드박스 열기"),
    "start_lesson_1": ("Start lesson 1", "1강 시작하기"),
    "continue_lesson": ("Continue: lesson {n}", "이어서: {n}강"),
    "hero_caption": (
        "start → pause → unpause → stop → rm: one container's life.",
        "start → pause → unpause → stop → rm: 컨테이너 하나의 일생.",
    ),
    "course_title": ("The course", "코스"),
    "course_progress": ("{done} of {total} finished", "{total}개 중 {done}개 마침"),
    "card_done": ("Done", "완료"),
    "card_started": ("{done} of {total} steps", "{total}단계 중 {done}단계"),
    "card_steps": ("{n} steps", "{n}단계"),
    "card_challenge": ("Challenge", "도전 과제"),
    "card_best": ("best: {n} commands", "최고 기록: 명령 {n}개"),
    "card_lesson_n": ("Lesson {n}", "{n}강"),
    "empty_course_title": ("No lessons here yet", "아직 레슨이 없습니다"),
    "empty_course_html": (
        (
            "The sandbox has everything meanwhile: every command you type moves a token, and the event "
            "log shows what Docker said."
        ),
        (
            "그동안 샌드박스에서 무엇이든 해 볼 수 있습니다. 입력한 명령마다 토큰이 움직이고, 이벤트 "
            "로그에 Docker가 한 말이 나옵니다."
        ),
    ),
    "how_it_works": ("How it works", "이렇게 배웁니다"),
    "feature_console_title": ("A real console", "진짜 같은 콘솔"),
    "feature_console_html": (
        (
            "Tab completion, history, <code>docker run -it</code> with a shell inside, "
            "<code>logs -f</code>, Ctrl-C and the detach keys."
        ),
        (
            "Tab 자동 완성, 명령 기록, 셸이 들어 있는 <code>docker run -it</code>, <code>logs -f</code>, "
            "Ctrl-C와 분리(detach) 키까지."
        ),
    ),
    "feature_graph_title": ("A living graph", "살아 움직이는 그래프"),
    "feature_graph_html": (
        (
            "Every state and transition of the container lifecycle, drawn from the engine's own table. "
            "Click an arrow to type its command."
        ),
        (
            "컨테이너 라이프사이클의 모든 상태와 전이를 엔진의 표 그대로 그립니다. 화살표를 누르면 그 "
            "명령이 입력됩니다."
        ),
    ),
    "feature_events_title": ("Docker's own events", "Docker의 이벤트 그대로"),
    "feature_events_html": (
        (
            "The log prints events exactly like <code>docker events</code>. Click one to rewind the "
            "graph, or replay the whole session."
        ),
        (
            "로그는 <code>docker events</code>와 똑같이 이벤트를 보여 줍니다. 하나를 누르면 그래프가 "
            "그때로 돌아가고, 세션 전체를 다시 재생할 수도 있습니다."
        ),
    ),
    # -- the lab panels ------------------------------------------------------------------------
    "sandbox_title": ("Sandbox", "샌드박스"),
    "console_title": ("Console", "콘솔"),
    "connecting": ("Connecting…", "연결 중…"),
    "ready": ("Ready", "준비됨"),
    "offline_retrying": ("Offline — reconnecting…", "오프라인 — 다시 연결하는 중…"),
    "running_status": ("Running… · Ctrl-C interrupts", "실행 중… · Ctrl-C로 중단"),
    "attached_status": (
        "Attached to {name} · Ctrl-P Ctrl-Q detaches",
        "{name}에 연결됨 · Ctrl-P Ctrl-Q로 분리",
    ),
    "exec_status": ("In {name} · exit ends it", "{name} 안 · exit로 끝냄"),
    "watching_status": ("Watching {name} · Ctrl-C stops", "{name} 지켜보는 중 · Ctrl-C로 멈춤"),
    "the_container": ("the container", "컨테이너"),
    "screen_reader": ("Screen reader", "스크린 리더"),
    "screen_reader_title": (
        "Makes the console readable by screen readers",
        "스크린 리더가 콘솔을 읽을 수 있게 합니다",
    ),
    "screen_reader_on": (
        "Screen reader mode on: console output is read out.",
        "스크린 리더 모드 켬: 콘솔 출력을 읽어 줍니다.",
    ),
    "screen_reader_off": ("Screen reader mode off.", "스크린 리더 모드 끔."),
    "clear": ("Clear", "지우기"),
    "reset": ("Reset", "초기화"),
    "reset_title": (
        "Forget every container and start afresh",
        "모든 컨테이너를 지우고 새로 시작합니다",
    ),
    "reset_confirm": ("Really reset?", "정말 초기화할까요?"),
    "reset_done": (
        "— sandbox reset: every container and image pull is forgotten —",
        "— 샌드박스 초기화: 모든 컨테이너와 받은 이미지를 잊었습니다 —",
    ),
    "console_keys_html": (
        (
            "<kbd>Tab</kbd> completes · <kbd>↑</kbd><kbd>↓</kbd> history · <kbd>Ctrl-C</kbd> interrupts · "
            "<kbd>Ctrl-P</kbd> <kbd>Ctrl-Q</kbd> detaches · <kbd>Ctrl-L</kbd> clears · <kbd>Esc</kbd> "
            "<kbd>Tab</kbd> leaves the console"
        ),
        (
            "<kbd>Tab</kbd> 자동 완성 · <kbd>↑</kbd><kbd>↓</kbd> 명령 기록 · <kbd>Ctrl-C</kbd> 중단 · "
            "<kbd>Ctrl-P</kbd> <kbd>Ctrl-Q</kbd> 분리 · <kbd>Ctrl-L</kbd> 화면 지우기 · <kbd>Esc</kbd> "
            "<kbd>Tab</kbd> 콘솔에서 나가기"
        ),
    ),
    "busy_toast": (
        ("A command is still running: wait for it, press Ctrl-C, or detach with Ctrl-P Ctrl-Q."),
        (
            "아직 명령이 실행 중입니다. 끝날 때까지 기다리거나, Ctrl-C를 누르거나, "
            "Ctrl-P Ctrl-Q로 분리하세요."
        ),
    ),
    "server_error": ("The server reported an error", "서버에서 오류가 났습니다"),
    "lifecycle_title": ("Lifecycle", "라이프사이클"),
    "graph_label": (
        (
            "The container lifecycle: states, the commands and events between them, and "
            "your containers"
        ),
        "컨테이너 라이프사이클: 상태, 그 사이의 명령과 이벤트, 그리고 내 컨테이너",
    ),
    "container": ("Container", "컨테이너"),
    "none_yet": ("none yet", "아직 없음"),
    "none": ("none", "없음"),
    "speed": ("Speed", "속도"),
    "previous_event": ("Previous event", "이전 이벤트"),
    "next_event": ("Next event", "다음 이벤트"),
    "back_to_live": ("Back to live", "현재로 돌아가기"),
    "narration_label": ("What just happened", "방금 일어난 일"),
    "narration_empty": (
        "Each transition is narrated here as it happens.",
        "상태가 바뀔 때마다 여기에 설명이 나옵니다.",
    ),
    "legend_command": ("your command", "내가 입력한 명령"),
    "legend_event": ("happens on its own", "저절로 일어남"),
    "tip": ("Tip:", "팁:"),
    "tip_selected": (
        "click an arrow to put its command for {name} on the console.",
        "화살표를 누르면 {name}에 대한 그 명령이 콘솔에 입력됩니다.",
    ),
    "tip_default": (
        ("hover a state or an arrow to learn about it; run a container to see its token move."),
        ("상태나 화살표 위에 마우스를 올려 설명을 보세요. 컨테이너를 실행하면 토큰이 움직입니다."),
    ),
    "on_the_line": (
        "On the console line: {cmd} — press Enter to run it.",
        "콘솔 입력줄에 넣었습니다: {cmd} — Enter를 눌러 실행하세요.",
    ),
    "events_title": ("Events", "이벤트"),
    "events_sub_html": (
        "as <code>docker events</code> prints them",
        "<code>docker events</code>가 출력하는 그대로",
    ),
    "all": ("all", "전체"),
    "replay_at": ("Replay at", "재생 속도"),
    "replay": ("▶ Replay", "▶ 다시 보기"),
    "stop_replay": ("■ Stop replay", "■ 재생 멈추기"),
    "replaying": ("Replaying {n} events at {speed}×", "이벤트 {n}개를 {speed}× 속도로 재생 중"),
    "replay_finished": ("Replay finished.", "재생이 끝났습니다."),
    "nothing_to_replay": (
        "Nothing to replay yet: run a few commands first.",
        "아직 재생할 것이 없습니다. 먼저 명령을 몇 개 실행해 보세요.",
    ),
    "viewing_past": (
        "Viewing the past: after {what} at {time} (event {n} of {total})",
        "과거 보기: {time}의 {what} 직후 (이벤트 {total}개 중 {n}번째)",
    ),
    "event_log_label": (
        "Docker events, oldest first; activate one to see the graph at that moment",
        "Docker 이벤트(오래된 것부터). 하나를 고르면 그 순간의 그래프를 봅니다",
    ),
    "events_empty_html": (
        (
            "No events yet. Run a container and its <code>create</code>, <code>start</code> and "
            "<code>die</code> events appear here."
        ),
        (
            "아직 이벤트가 없습니다. 컨테이너를 실행하면 <code>create</code>, <code>start</code>, "
            "<code>die</code> 이벤트가 여기에 나타납니다."
        ),
    ),
    # -- the lesson page -----------------------------------------------------------------------
    "lesson_n": ("Lesson {n}", "{n}강"),
    "challenge": ("Challenge", "도전 과제"),
    "progress": ("Progress", "진행"),
    "progress_of": ("{done} of {total}", "{total}단계 중 {done}단계"),
    "step_n": ("Step {n}", "{n}단계"),
    "step_done": ("done", "완료"),
    "step_todo": ("to do", "할 일"),
    "step_current": ("now", "지금 할 일"),
    "show_step": ("Show this step", "이 단계 보기"),
    "hint": ("A hint", "힌트 보기"),
    "another_hint": ("Another hint", "힌트 하나 더"),
    "no_more_hints": ("No more hints", "힌트를 모두 봤습니다"),
    "hint_ready": ("Stuck? A hint is ready.", "막혔나요? 힌트가 준비되어 있습니다."),
    "hint_n": ("Hint {n} of {total}", "힌트 {n}/{total}"),
    "missing": ("Still missing:", "아직 안 된 것:"),
    "type_it": ("Type it", "입력하기"),
    "type_it_title": (
        "Type this command on the console line (you press Enter)",
        "이 명령을 콘솔 입력줄에 넣습니다 (실행은 Enter로)",
    ),
    "typed": (
        "On the console line: press Enter to run it.",
        "콘솔 입력줄에 넣었습니다. Enter를 눌러 실행하세요.",
    ),
    "type_it_for_me": ("Type it for me", "대신 입력해 줘"),
    "show_solution": ("Show solution", "풀이 보기"),
    "hide_solution": ("Hide solution", "풀이 숨기기"),
    "solution": ("Solution", "풀이"),
    "solution_input_html": ("then type <kbd>{keys}</kbd>", "이어서 <kbd>{keys}</kbd> 입력"),
    "solution_sleep": ("then wait {n} s", "이어서 {n}초 기다리기"),
    "restart_lesson": ("Restart lesson", "레슨 다시 시작"),
    "restart_challenge": ("Start over", "처음부터 다시"),
    "restart_confirm": ("Really start over?", "정말 처음부터 할까요?"),
    "restarted": (
        "— lesson restarted: its steps start again from the first —",
        "— 레슨을 다시 시작했습니다: 첫 단계부터 다시 합니다 —",
    ),
    "lesson_complete": ("Lesson complete", "레슨 완료"),
    "step_done_announce": ("Step done: {title}.", "단계 완료: {title}."),
    "step_now_announce": ("Next step: {title}.", "다음 단계: {title}."),
    "next_lesson": ("Next lesson", "다음 레슨"),
    "next_challenge": ("Next challenge", "다음 도전 과제"),
    "back_to_course": ("Back to the course", "코스로 돌아가기"),
    "course_finished": (
        "That was the last one: you finished the course.",
        "마지막 과제였습니다. 코스를 모두 마쳤습니다.",
    ),
    "goal": ("Goal", "목표"),
    "target": ("Target", "목표 상태"),
    "target_label": ("The target: {items}", "목표 상태: {items}"),
    "goal_only": ("No other containers may exist.", "다른 컨테이너는 없어야 합니다."),
    "goal_new": (
        "Only containers you create during the challenge count.",
        "도전 중에 새로 만든 컨테이너만 셉니다.",
    ),
    "goal_state": ("a container {state}", "{state} 상태인 컨테이너"),
    "goal_exit_code": ("with exit code {code}", "종료 코드 {code}"),
    "goal_restarts": ("restarted {n} times by its policy", "재시작 정책으로 {n}번 재시작됨"),
    "goal_events": ("after a {events} event", "{events} 이벤트를 거침"),
    "goal_name": ("named {name}", "이름 {name}"),
    "commands_used": ("Commands used", "사용한 명령"),
    "best_known": ("Best known", "최고 기록"),
    "solved": ("Solved!", "해결했습니다!"),
    "solved_in": ("Solved in {n} commands.", "명령 {n}개로 해결했습니다."),
    "solved_best": ("That matches the best known solution.", "최고 기록과 같습니다."),
    "solved_better": (
        "Fewer than the best known solution — well done!",
        "최고 기록보다 적습니다 — 훌륭합니다!",
    ),
    "solved_more": (
        "The best known solution uses {best}. Start over to try for it?",
        "최고 기록은 {best}개입니다. 처음부터 다시 도전해 볼까요?",
    ),
    "best_solution": ("The best known solution", "최고 기록 풀이"),
}

JS_KEYS = frozenset(k for k in UI if not k.endswith("_html"))


def strings(locale: str) -> dict[str, str]:
    """Every label in `locale` (English for an unknown locale)."""
    index = LOCALES.index(locale) if locale in LOCALES else LOCALES.index(DEFAULT_LOCALE)
    return {key: pair[index] for key, pair in UI.items()}


def translate(locale: str, key: str, **values: Any) -> str | Markup:
    """One label, placeholders filled; `_html` labels come back safe (values escaped)."""
    pair = UI.get(key)
    if pair is None:
        raise KeyError(f"no UI text {key!r}")
    index = LOCALES.index(locale) if locale in LOCALES else LOCALES.index(DEFAULT_LOCALE)
    text = pair[index]
    if key.endswith("_html"):
        out = Markup(text)
        for name, value in values.items():
            out = out.replace("{" + name + "}", escape(value))
        return Markup(out)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def js_strings(locale: str) -> dict[str, str]:
    """The plain labels the page's scripts use (the `data-ui` attribute)."""
    return {k: v for k, v in strings(locale).items() if k in JS_KEYS}
