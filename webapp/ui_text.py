"""Every fixed label of the pages (chrome, course map, lab panels, lesson page), per locale.

One place for the interface's words: templates call `t("key", n=3)` and the page's JavaScript reads
the same table from the `data-ui` attribute of `<body>` (JSON in an attribute: no inline script).
Lesson content is not here (it lives in lessons/<id>/<locale>.md), but the words the server puts
around it are: the lesson checks' sentences and the Markdown renderer's labels.

Keys ending in `_html` hold a little trusted markup (`<code>`, `<kbd>`) and are marked safe for
the templates; every other value is plain text and is escaped like any other value. `{name}`
placeholders are filled by `t(key, name=...)` (and by the JS `t`).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

LOCALES = ("en", "ko")
"""The languages of the interface and of the lessons, in the order of each pair in `UI`."""
DEFAULT_LOCALE = "en"

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
    # -- progress files (course map) ------------------------------------------------------------
    "progress_transfer": ("Your progress", "내 진도"),
    "progress_transfer_note": (
        (
            "Progress is kept on this server for this browser. Save it to a file to carry it to "
            "another browser or server."
        ),
        (
            "진도는 이 서버에 이 브라우저 몫으로 저장됩니다. 다른 브라우저나 서버로 옮기려면 파일로 "
            "저장하세요."
        ),
    ),
    "export_progress": ("Export progress", "진도 내보내기"),
    "import_progress": ("Import progress", "진도 가져오기"),
    "import_file_label": ("A progress file (.json)", "진도 파일 (.json)"),
    "import_button": ("Import", "가져오기"),
    "import_done": ("Imported progress for {n} lessons.", "레슨 {n}개의 진도를 가져왔습니다."),
    "import_done_one": ("Imported progress for 1 lesson.", "레슨 1개의 진도를 가져왔습니다."),
    "import_unknown_lessons": (
        "Ignored {n} lesson(s) this course does not have: {names}.",
        "이 코스에 없는 레슨 {n}개는 건너뛰었습니다: {names}.",
    ),
    "import_unknown_steps": (
        "Ignored {n} unknown step(s): {names}.",
        "알 수 없는 단계 {n}개는 건너뛰었습니다: {names}.",
    ),
    "import_failed": ("Nothing was imported.", "아무것도 가져오지 않았습니다."),
    "import_no_file": ("Choose a progress file first.", "먼저 진도 파일을 고르세요."),
    "import_empty": ("The file is empty.", "파일이 비어 있습니다."),
    "import_too_large": (
        "The file is too large (at most {detail} KB).",
        "파일이 너무 큽니다 (최대 {detail}KB).",
    ),
    "import_not_json": ("The file is not JSON.", "파일이 JSON이 아닙니다."),
    "import_not_progress": (
        "The file is not a Lifecycle Lab progress file.",
        "Lifecycle Lab 진도 파일이 아닙니다.",
    ),
    "import_wrong_version": (
        "The file has format version {detail}; this server reads version 1.",
        "파일 형식 버전이 {detail}입니다. 이 서버는 버전 1을 읽습니다.",
    ),
    "import_bad_shape": ("The file is damaged at {detail}.", "파일의 {detail} 부분이 잘못되었습니다."),
    "import_cross_site": (
        "The import must come from this site's own course page.",
        "가져오기는 이 사이트의 코스 페이지에서만 할 수 있습니다.",
    ),
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
    "server_full": (
        "The server is full right now: every sandbox is in use. Please try again in a few minutes.",
        "지금은 서버가 가득 찼습니다. 모든 샌드박스가 사용 중입니다. 몇 분 뒤에 다시 시도해 주세요.",
    ),
    "server_full_retry": (
        "Server full — every sandbox is in use; trying again in {s} s",
        "서버가 가득 참 — 모든 샌드박스가 사용 중입니다. {s}초 뒤에 다시 시도합니다",
    ),
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
        "Screen reader mode on: each command you run and its output are read out once.",
        "스크린 리더 모드 켬: 실행한 명령과 그 출력을 한 번씩 읽어 줍니다.",
    ),
    "screen_reader_off": ("Screen reader mode off.", "스크린 리더 모드 끔."),
    "sr_region_label": ("Console: what was run and what it printed", "콘솔: 실행한 명령과 출력"),
    "sr_command": ("Command: {line}", "명령: {line}"),
    "sr_output": ("Output: {text}", "출력: {text}"),
    "sr_exit": ("Exit code {code}.", "종료 코드 {code}."),
    "sr_more": ("({n} more lines in the console)", "(콘솔에 {n}줄 더 있음)"),
    "clear": ("Clear", "지우기"),
    # the graph over the whole window (static/js/graph-enlarge.js)
    "graph_enlarge": ("Enlarge", "크게 보기"),
    "graph_enlarge_title": (
        "The graph over the whole window; Esc puts it back",
        "그래프를 창 전체에 보여 줍니다. Esc로 되돌립니다",
    ),
    # the separators between the lab's panels (static/js/split.js)
    "split_cols_label": ("Width of the console and the graph", "콘솔과 그래프의 너비"),
    "split_rows_label": ("Height of the lesson and the console", "레슨과 콘솔의 높이"),
    "split_cols_value": ("The console takes {n}% of the width", "콘솔이 너비의 {n}%를 차지합니다"),
    "split_rows_value": ("The lesson takes {n}% of the height", "레슨이 높이의 {n}%를 차지합니다"),
    "split_title": (
        "Drag, or use the arrow keys, to resize; double-click to reset",
        "끌거나 화살표 키로 크기를 바꿉니다. 두 번 클릭하면 처음대로 돌아갑니다",
    ),
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
    # the workspace (the learner's files; static/js/editor.js)
    "workspace_title": ("Files", "파일"),
    "workspace_sub_html": (
        "the folder <code>docker build .</code> reads",
        "<code>docker build .</code>가 읽는 폴더",
    ),
    "file_new": ("New file", "새 파일"),
    "file_delete": ("Delete", "삭제"),
    "file_delete_title": ("Delete the open file", "열려 있는 파일을 삭제합니다"),
    "file_delete_confirm": ("Really delete?", "정말 삭제할까요?"),
    "file_name": ("File name", "파일 이름"),
    "file_name_placeholder": ("e.g. serve.sh", "예: serve.sh"),
    "file_create": ("Create", "만들기"),
    "cancel": ("Cancel", "취소"),
    "files_label": ("Files in the workspace", "작업 폴더의 파일"),
    "editor_label": ("File editor", "파일 편집기"),
    "file_saved": ("Saved", "저장됨"),
    "file_saving": ("Saving…", "저장 중…"),
    "file_unsaved": ("Not saved yet", "아직 저장 안 됨"),
    "file_not_saved": ("Not saved: {reason}", "저장 안 됨: {reason}"),
    "file_draft": ("new", "새 파일"),
    "editor_failed": (
        "The editor could not load: reload the page to edit your files.",
        "편집기를 불러오지 못했습니다. 파일을 편집하려면 페이지를 새로 고치세요.",
    ),
    "file_offline": ("Offline: saved when the connection is back", "오프라인: 다시 연결되면 저장합니다"),
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
        "On the console line: {cmd} — press Enter to run it, or type to replace it.",
        "콘솔 입력줄에 넣었습니다: {cmd} — Enter를 눌러 실행하거나, 바로 입력해서 바꾸세요.",
    ),
    "edge_no_container": (
        "No container is {state}, so there is nothing to {edge} yet. Bring one there first: {how}.",
        (
            "{state} 상태인 컨테이너가 없어서 아직 {edge}할 대상이 없습니다. 먼저 컨테이너를 그 상태로 "
            "만드세요: {how}."
        ),
    ),
    "edge_no_container_plain": (
        "No container is {state}, so there is nothing to {edge} yet.",
        "{state} 상태인 컨테이너가 없어서 아직 {edge}할 대상이 없습니다.",
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
    "past_new_events": (
        "{n} new events since — back to live to see them",
        "그 뒤로 새 이벤트 {n}개 — 현재로 돌아가서 보세요",
    ),
    "past_new_event": (
        "1 new event since — back to live to see it",
        "그 뒤로 새 이벤트 1개 — 현재로 돌아가서 보세요",
    ),
    "narrate_past_new": (
        (
            "New events are arriving while you look at the past; the graph shows them when you go "
            "back to live."
        ),
        "과거를 보는 동안 새 이벤트가 들어오고 있습니다. 현재로 돌아가면 그래프에 나타납니다.",
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
    # -- the lifecycle graph: states, transitions, tokens --------------------------------------
    # State names and summaries per state id, transition summaries per `tr_<edge>_<from>_<to>`
    # (ids as in the lifecycle JSON, `registry` for no source), causes of event edges per
    # `cause_<text>`. English mirrors webapp/engine/lifecycle.py (a test keeps them in step).
    "state_image": ("Image", "이미지"),
    "state_created": ("Created", "생성됨"),
    "state_running": ("Running", "실행 중"),
    "state_paused": ("Paused", "일시 정지됨"),
    "state_restarting": ("Restarting", "재시작 중"),
    "state_exited": ("Exited", "종료됨"),
    "state_dead": ("Dead", "죽음"),
    "state_removed": ("Removed", "삭제됨"),
    "state_image_about": (
        "An image on disk: a read-only template. Nothing runs yet.",
        "디스크에 있는 이미지입니다. 읽기 전용 템플릿이며 아직 아무것도 실행되지 않습니다.",
    ),
    "state_created_about": (
        "The container exists (file system, config, name) but its main process never started.",
        "컨테이너(파일 시스템, 설정, 이름)는 있지만 메인 프로세스가 한 번도 시작되지 않았습니다.",
    ),
    "state_running_about": (
        "Its main process (PID 1) is alive.",
        "메인 프로세스(PID 1)가 살아 있습니다.",
    ),
    "state_paused_about": (
        "Every process is frozen by the cgroup freezer; memory is kept, no CPU is used.",
        "cgroup freezer가 모든 프로세스를 얼려 둡니다. 메모리는 그대로 두고 CPU는 쓰지 않습니다.",
    ),
    "state_restarting_about": (
        (
            "The main process exited and a restart policy waits out its back-off before starting "
            "it again."
        ),
        "메인 프로세스가 끝났고, 재시작 정책이 대기 시간(back-off)이 지나면 다시 시작합니다.",
    ),
    "state_exited_about": (
        "The main process ended; its exit code is kept. The file system stays until removal.",
        (
            "메인 프로세스가 끝났습니다. 종료 코드가 남아 있고, 파일 시스템은 컨테이너를 삭제할 "
            "때까지 그대로 있습니다."
        ),
    ),
    "state_dead_about": (
        "Removal failed half-way; the container can only be removed.",
        "삭제가 도중에 실패했습니다. 이 컨테이너는 삭제만 할 수 있습니다.",
    ),
    "state_removed_about": (
        "Gone: its file system and name are freed.",
        "사라졌습니다. 파일 시스템은 지워지고 이름은 다시 쓸 수 있습니다.",
    ),
    "tr_pull_registry_image": (
        "Download the image's layers from a registry.",
        "레지스트리에서 이미지의 레이어를 내려받습니다.",
    ),
    "tr_create_image_created": (
        "Make a container from the image without starting it.",
        "이미지로 컨테이너를 만들기만 하고 시작하지는 않습니다.",
    ),
    "tr_run_image_running": ("Create and start in one go.", "만들기와 시작을 한 번에 합니다."),
    "tr_start_created_running": (
        "Start the main process for the first time.",
        "메인 프로세스를 처음으로 시작합니다.",
    ),
    "tr_start_exited_running": (
        "Start the main process again, in the same file system.",
        "같은 파일 시스템에서 메인 프로세스를 다시 시작합니다.",
    ),
    "tr_start_restarting_running": (
        "The back-off is over: the restart policy starts the process again.",
        "대기 시간이 끝났습니다. 재시작 정책이 프로세스를 다시 시작합니다.",
    ),
    "tr_die_running_exited": (
        "The main process ended on its own, or was killed.",
        "메인 프로세스가 스스로 끝났거나 강제로 종료되었습니다.",
    ),
    "tr_die_paused_exited": (
        "SIGKILL ends even a frozen process: kill or rm -f of a paused container.",
        "SIGKILL은 얼어 있는 프로세스도 끝냅니다. 일시 정지된 컨테이너에 kill이나 rm -f를 쓴 경우입니다.",
    ),
    "tr_die_running_restarting": (
        "The main process ended and the restart policy will start it again.",
        "메인 프로세스가 끝났고, 재시작 정책이 곧 다시 시작합니다.",
    ),
    "tr_stop_running_exited": (
        "Send the stop signal (SIGTERM by default), wait the grace period, then SIGKILL.",
        "정지 시그널(기본값 SIGTERM)을 보내고 유예 시간만큼 기다린 뒤 SIGKILL을 보냅니다.",
    ),
    "tr_stop_paused_exited": (
        "A paused container is thawed right after the signal, so it stops too.",
        "일시 정지된 컨테이너는 시그널 직후 얼음이 풀리므로 마찬가지로 멈춥니다.",
    ),
    "tr_stop_restarting_exited": (
        "Cancels the pending restart; no signal is sent.",
        "예정된 재시작을 취소합니다. 시그널은 보내지 않습니다.",
    ),
    "tr_kill_running_exited": (
        "Send SIGKILL (or -s SIGNAL) at once.",
        "SIGKILL(또는 -s로 지정한 시그널)을 바로 보냅니다.",
    ),
    "tr_kill_paused_exited": (
        "SIGKILL reaches even frozen processes.",
        "SIGKILL은 얼어 있는 프로세스에도 전달됩니다.",
    ),
    "tr_kill_restarting_exited": (
        "Cancels the pending restart; there is no process to signal.",
        "예정된 재시작을 취소합니다. 시그널을 받을 프로세스가 없습니다.",
    ),
    "tr_pause_running_paused": (
        "Freeze every process of the container.",
        "컨테이너의 모든 프로세스를 얼립니다.",
    ),
    "tr_unpause_paused_running": (
        "Thaw the processes; they carry on where they were.",
        "프로세스의 얼음을 풉니다. 멈췄던 곳에서 이어서 실행됩니다.",
    ),
    "tr_restart_running_running": ("Stop, then start again.", "멈춘 다음 다시 시작합니다."),
    "tr_restart_exited_running": ("Start a stopped container.", "멈춘 컨테이너를 시작합니다."),
    "tr_restart_created_running": (
        "Start a container that never ran.",
        "한 번도 실행된 적 없는 컨테이너를 시작합니다.",
    ),
    "tr_rm_created_removed": (
        "Delete the container and free its name.",
        "컨테이너를 삭제하고 이름을 비웁니다.",
    ),
    "tr_rm_exited_removed": (
        "Delete the container and free its name (also done by --rm when it exits).",
        "컨테이너를 삭제하고 이름을 비웁니다(--rm을 주었다면 끝날 때 저절로 이렇게 됩니다).",
    ),
    "tr_rm_dead_removed": (
        "Finish removing a dead container.",
        "죽은(Dead) 컨테이너의 삭제를 마무리합니다.",
    ),
    "tr_rm_f_running_removed": ("SIGKILL, then delete.", "SIGKILL을 보낸 다음 삭제합니다."),
    "tr_rm_f_paused_removed": ("SIGKILL, then delete.", "SIGKILL을 보낸 다음 삭제합니다."),
    "tr_rm_f_restarting_removed": (
        "Cancel the pending restart and delete.",
        "예정된 재시작을 취소하고 삭제합니다.",
    ),
    "tr_unpause_paused_running_internal": (
        "stop thaws a paused container right after the stop signal, so it can exit.",
        "stop은 정지 시그널을 보낸 직후 일시 정지된 컨테이너의 얼음을 풀어 끝날 수 있게 합니다.",
    ),
    "tr_remove_failed_exited_dead": (
        "The daemon could not finish deleting the container's files.",
        "데몬이 컨테이너의 파일을 끝까지 지우지 못했습니다.",
    ),
    "edge_remove_failed": ("remove failed", "삭제 실패"),
    "cause_restart_policy": ("restart policy", "재시작 정책"),
    "cause_the_main_process_exits": ("the main process exits", "메인 프로세스가 끝남"),
    "cause_removal_error": ("removal error", "삭제 오류"),
    "graph_registry": ("registry", "레지스트리"),
    "graph_from_registry": ("a registry", "레지스트리"),
    "graph_edges_label": (
        "Transitions. Arrow keys move between them; Enter types the command.",
        "전이. 화살표 키로 옮겨 다니고, Enter를 누르면 명령이 입력됩니다.",
    ),
    "graph_states_label": (
        "States. Arrow keys move between them.",
        "상태. 화살표 키로 옮겨 다닙니다.",
    ),
    "graph_tokens_label": ("Containers. Enter selects one.", "컨테이너. Enter를 누르면 선택됩니다."),
    "graph_state_role": ("state", "상태"),
    "graph_state_none": ("{state}. No containers. {about}", "{state}. 컨테이너 없음. {about}"),
    "graph_state_one": ("{state}. 1 container: {names}. {about}", "{state}. 컨테이너 1개: {names}. {about}"),
    "graph_state_many": (
        "{state}. {n} containers: {names}. {about}",
        "{state}. 컨테이너 {n}개: {names}. {about}",
    ),
    "graph_edge_aria": ("{edge}: {from} to {to}. {how}. {about}", "{edge}: {from} → {to}. {how}. {about}"),
    "graph_on_its_own": ("happens on its own: {cause}", "저절로 일어남: {cause}"),
    "graph_token_aria": ("Container {name} ({shape}): {state}", "컨테이너 {name} ({shape}): {state}"),
    "graph_more": ("+{n} more", "+{n}개 더"),
    "grace_countdown": ("SIGKILL in {s} s", "{s}초 뒤 SIGKILL"),
    "grace_sending": ("sending SIGKILL…", "SIGKILL 보내는 중…"),
    "badge_oom": ("out of memory", "메모리 부족"),
    "health_starting": ("health: starting (no verdict yet)", "상태 검사: 시작 중 (아직 판정 전)"),
    "health_healthy": ("healthy: its health check passes", "정상: 상태 검사를 통과합니다"),
    "health_unhealthy": ("unhealthy: its health check keeps failing", "비정상: 상태 검사가 계속 실패합니다"),
    "signal_n": ("signal {n}", "시그널 {n}"),
    "shape_circle": ("circle", "원"),
    "shape_square": ("square", "사각형"),
    "shape_triangle": ("triangle", "삼각형"),
    "shape_diamond": ("diamond", "마름모"),
    "shape_hexagon": ("hexagon", "육각형"),
    "shape_star": ("star", "별"),
    "shape_pentagon": ("pentagon", "오각형"),
    # -- narration and the graph's info panel ---------------------------------------------------
    "narrate_move": ("{name}: {from} → {to} ({cause})", "{name}: {from} → {to} 상태가 되었습니다 ({cause})"),
    "narrate_again": (
        "{name}: {from} → {to} again ({cause})",
        "{name}: {from} → {to} 상태로 다시 돌아왔습니다 ({cause})",
    ),
    "narrate_reported": ("as Docker reports it", "Docker가 알려 온 대로"),
    "narrate_health_starting": (
        "{name}: health check starting — Running, but not yet judged healthy",
        "{name}: 상태 검사 시작 — 실행 중이지만 아직 정상으로 판정되지 않았습니다",
    ),
    "narrate_health_healthy": (
        "{name}: healthy — its health check passed (health_status: healthy)",
        "{name}: 정상 — 상태 검사를 통과했습니다 (health_status: healthy)",
    ),
    "narrate_health_unhealthy": (
        ("{name}: unhealthy — its health check failed too many times in a row "
         "(health_status: unhealthy); it keeps running"),
        ("{name}: 비정상 — 상태 검사가 연속으로 너무 많이 실패했습니다 (health_status: unhealthy). "
         "컨테이너는 계속 실행됩니다"),
    ),
    "narrate_replay": ("Replay — {sentence}", "다시 보기 — {sentence}"),
    "narrate_grace": (
        "{name}: {signal} sent, still running — SIGKILL in {s} s unless it exits first",
        "{name}: {signal} 시그널을 보냈지만 아직 실행 중입니다 — 그 전에 끝나지 않으면 {s}초 뒤 SIGKILL",
    ),
    "refused_sentence": (
        "Refused: docker {verb} {name} — {name} is {state}, and {edge} only leads from {need}.",
        (
            "거부됨: docker {verb} {name} — {name} 컨테이너는 지금 {state} 상태이고, {edge} 화살표는 "
            "{need} 상태에서만 출발합니다."
        ),
    ),
    "refused_or": (" or ", " 또는 "),
    "refused_title": ("Refused", "거부됨"),
    "docker_said": ("Docker said: {reason}", "Docker의 응답: {reason}"),
    "info_docker_says": (" · docker ps says “{docker}”", " · docker ps에서는 “{docker}”"),
    "info_here": ("Here now: {names}.", "지금 여기 있는 컨테이너: {names}."),
    "info_here_none": ("No containers here right now.", "지금 여기에는 컨테이너가 없습니다."),
    "info_from_here": (" From here: {edges}.", " 여기서 쓸 수 있는 명령: {edges}."),
    "info_a_command": (" · a command", " · 명령"),
    "info_on_its_own": (" · happens on its own", " · 저절로 일어남"),
    "info_click_to_type": ("Click to type: {cmd}", "누르면 입력됩니다: {cmd}"),
    "info_caused_by": ("Caused by: {cause}", "원인: {cause}"),
    "info_events": (" · events: {list}", " · 이벤트: {list}"),
    "info_not_a_command": (
        "“{edge}” is not a command you type: it happens on its own — {cause}.",
        "“{edge}”은(는) 직접 입력하는 명령이 아니라 저절로 일어나는 일입니다 — {cause}.",
    ),
    "info_image_unknown": ("image unknown", "이미지 모름"),
    "info_token_state": ("{state}.", "{state}."),
    "info_token_status": ("{state} — docker ps: “{status}”.", "{state} — docker ps: “{status}”."),
    "info_token_hint": (
        "Click it to select it; then click an arrow to type that command for it.",
        "누르면 선택됩니다. 그런 다음 화살표를 누르면 이 컨테이너에 대한 그 명령이 입력됩니다.",
    ),
    # -- the console and the event log ------------------------------------------------------------
    "console_banner": (
        "Lifecycle Lab console — type {help} for tips, or just try {cmd}",
        "Lifecycle Lab 콘솔 — 도움말은 {help}, 아니면 바로 {cmd}를 입력해 보세요",
    ),
    "console_help": (
        (
            "Type docker commands; the simulator answers like Docker does. Try:\n"
            "  docker run hello-world          docker run -d --name web nginx\n"
            "  docker ps -a                    docker stop web / docker start web\n"
            "  docker run -it --name box ubuntu:20.04    (exit, or Ctrl-P Ctrl-Q to detach)\n"
            "\n"
            "Keys: Tab completes, Up/Down walk the history, Ctrl-C abandons a line (or interrupts a\n"
            "command), Ctrl-L clears, Ctrl-A/Ctrl-E start/end, Ctrl-U/Ctrl-K/Ctrl-W delete.\n"
            "Esc then Tab moves the focus out of the console (Shift-Tab moves it back).\n"
            "The console is a small shell: ;  &&  ||  $(...)  $VAR  and pipes into grep, head, tail,\n"
            "wc, sort, awk and xargs work (docker stop $(docker ps -q)); files do not.\n"
            "Console-only commands: help, clear, history, echo, export."
        ),
        (
            "docker 명령을 입력하세요. 시뮬레이터가 Docker와 똑같이 답합니다. 이렇게 해 보세요:\n"
            "  docker run hello-world          docker run -d --name web nginx\n"
            "  docker ps -a                    docker stop web / docker start web\n"
            "  docker run -it --name box ubuntu:20.04    (exit, 또는 Ctrl-P Ctrl-Q로 분리)\n"
            "\n"
            "키: Tab 자동 완성, ↑/↓ 명령 기록, Ctrl-C 입력 중인 줄 버리기(실행 중인 명령은 중단),\n"
            "Ctrl-L 화면 지우기, Ctrl-A/Ctrl-E 줄의 처음/끝, Ctrl-U/Ctrl-K/Ctrl-W 지우기.\n"
            "Esc 다음 Tab을 누르면 포커스가 콘솔 밖으로 나갑니다(Shift-Tab은 앞으로 나감).\n"
            "콘솔은 작은 셸입니다: ;  &&  ||  $(...)  $VAR 와 grep, head, tail, wc, sort, awk,\n"
            "xargs로의 파이프를 쓸 수 있습니다(docker stop $(docker ps -q)). 파일은 없습니다.\n"
            "콘솔 전용 명령: help, clear, history, echo, export."
        ),
    ),
    "console_input_label": (
        "Console input: type docker commands",
        "콘솔 입력: docker 명령을 입력하세요",
    ),
    "console_not_connected": (
        "lifecycle-lab: not connected to the lab server; reconnecting… try again in a moment",
        "lifecycle-lab: 랩 서버에 연결되어 있지 않습니다. 다시 연결하는 중이니 잠시 뒤에 다시 해 보세요",
    ),
    "console_lost": ("the command was lost", "명령의 응답을 받지 못했습니다"),
    "connection_lost": (
        "lifecycle-lab: connection lost; the command may still be running in your sandbox",
        "lifecycle-lab: 연결이 끊겼습니다. 명령은 샌드박스에서 아직 실행 중일 수 있습니다",
    ),
    "console_failed": (
        "The console could not start ({error}). Run “npm ci” on the server, then reload.",
        "콘솔을 시작하지 못했습니다({error}). 서버에서 “npm ci”를 실행한 다음 새로 고치세요.",
    ),
    "event_title": (
        "Show the graph as it was after this event",
        "이 이벤트 직후의 그래프를 봅니다",
    ),
    "event_aria": (
        "{line}. Activate to see the graph at this moment.",
        "{line}. 누르면 이 순간의 그래프를 봅니다.",
    ),
    # -- classes: join, the instructor's dashboard, the learner's view -------------------------
    "class_title": ("Class {code}", "수업 {code}"),
    "class_label": ("Class", "수업"),
    "class_teach_heading": ("Class {code}: instructor view", "수업 {code}: 강사 화면"),
    "class_join_kicker": ("Join the class", "수업에 참여하기"),
    "class_code": ("Class code", "수업 코드"),
    "qr_title": ("QR code: {url}", "QR 코드: {url}"),
    "goto_lesson": ("Lesson", "레슨"),
    "goto_step": ("Step", "단계"),
    "goto_send": ("Send everyone there", "모두 여기로 보내기"),
    "reset_all": ("Reset all sandboxes", "모든 샌드박스 초기화"),
    "reset_all_confirm": ("Really reset everyone?", "정말 모두 초기화할까요?"),
    "reset_all_done": ("Every learner’s sandbox was reset.", "모든 학습자의 샌드박스를 초기화했습니다."),
    "end_class": ("End the class", "수업 끝내기"),
    "end_class_confirm": ("Really end it?", "정말 끝낼까요?"),
    "presenter_mode": ("Presenter mode", "발표자 모드"),
    "learners_title": ("Learners", "학습자"),
    "learner_counts_html": (
        "{joined} joined · {online} online · {stuck} stuck",
        "참여 {joined}명 · 접속 {online}명 · 막힘 {stuck}명",
    ),
    "heatmap_label": (
        "How many learners have a container in each state",
        "상태마다 그 상태의 컨테이너가 있는 학습자 수",
    ),
    "heat_title": (
        "{count} of {total} learners have a {state} container",
        "학습자 {total}명 중 {count}명에게 {state} 상태의 컨테이너가 있습니다",
    ),
    "col_learner": ("Learner", "학습자"),
    "col_lesson_step": ("Lesson · step", "레슨 · 단계"),
    "col_containers": ("Containers", "컨테이너"),
    "col_last_error": ("Last error", "마지막 오류"),
    "col_status": ("Status", "상태"),
    "dashboard_empty": (
        "Nobody has joined yet. Share the code, the link or the QR code.",
        "아직 아무도 참여하지 않았습니다. 코드나 링크, QR 코드를 공유하세요.",
    ),
    "learner_completed": (" · completed", " · 완료"),
    "learner_no_lesson": ("no lesson open", "연 레슨 없음"),
    "learner_offline": ("offline", "오프라인"),
    "learner_stuck": ("stuck: {reason}", "막힘: {reason}"),
    "learner_following": ("following", "따라오는 중"),
    "learner_alone": ("working alone", "혼자 하는 중"),
    "stuck_errors": ("{n} failed commands in a row", "명령이 {n}번 연달아 실패함"),
    "stuck_quiet": ("no progress for {n} min", "{n}분째 진행 없음"),
    "goto_sent": ("Everyone was sent to {title}, step {n}.", "모두를 {title}의 {n}단계로 보냈습니다."),
    "class_live": ("Live · class {code}", "실시간 · 수업 {code}"),
    "class_ended": ("The class has ended", "수업이 끝났습니다"),
    "class_failed": ("The class view could not start: {error}", "수업 화면을 시작하지 못했습니다: {error}"),
    "class_who_html": ("Class {code} · you are {name}", "수업 {code} · 내 닉네임: {name}"),
    "view_switch_label": ("What to show", "보여 줄 화면"),
    "view_both": ("Both", "둘 다"),
    "view_follow": ("Follow the instructor", "강사 따라가기"),
    "view_own": ("My own work", "내 작업"),
    "instructor_title": ("Instructor", "강사"),
    "instructor_sub": ("live, read-only", "실시간, 읽기 전용"),
    "instructor_waiting": ("Waiting…", "기다리는 중…"),
    "instructor_live": ("Live", "실시간"),
    "instructor_console_label": (
        "The instructor's console (read-only)",
        "강사의 콘솔(읽기 전용)",
    ),
    "instructor_graph_label": (
        "The instructor's containers on the lifecycle graph",
        "라이프사이클 그래프 위 강사의 컨테이너",
    ),
    "instructor_sent_kicker": ("Your instructor sent you to", "강사가 보낸 레슨"),
    "following_live": ("Following live", "실시간으로 따라가는 중"),
    "sent_to": ("Your instructor sent you to “{title}”.", "강사가 “{title}” 레슨으로 안내했습니다."),
    "notice_reset_all": (
        "Your instructor reset every sandbox: a fresh start.",
        "강사가 모든 샌드박스를 초기화했습니다. 새로 시작하세요.",
    ),
    "class_ended_learner": (
        "The class has ended — your sandbox is still yours",
        "수업이 끝났습니다 — 내 샌드박스는 그대로 남아 있습니다",
    ),
    "class_ended_pill": ("Class ended", "수업 끝남"),
    "join_page_title": ("Join a class", "수업 참여하기"),
    "join_class_html": ("Join class {code}", "수업 {code}에 참여하기"),
    "join_pick_name": (
        "Pick a nickname: your instructor sees it on their dashboard. Nothing else about you is shared.",
        "닉네임을 정하세요. 강사의 대시보드에 표시됩니다. 그 밖의 정보는 공유되지 않습니다.",
    ),
    "join_nickname": ("Nickname", "닉네임"),
    "join_button": ("Join", "참여"),
    "join_type_code": (
        "Type the code your instructor shows (or scan their QR code).",
        "강사가 보여 주는 코드를 입력하세요(QR 코드를 스캔해도 됩니다).",
    ),
    "join_continue": ("Continue", "계속"),
    "join_teach_html": (
        (
            "Teaching? {link}: learners follow your console live while they work in their own "
            "sandboxes."
        ),
        "가르치시나요? {link}. 학습자는 자기 샌드박스에서 작업하면서 내 콘솔을 실시간으로 따라봅니다.",
    ),
    "start_a_class": ("Start a class", "수업 시작하기"),
    "teach_start_intro": (
        (
            "Start a class: you get a short code and a QR code to show. Learners who join follow "
            "your console and lifecycle graph live while they work in their own sandboxes, and "
            "you see their progress on a dashboard."
        ),
        (
            "수업을 시작하면 보여 줄 짧은 코드와 QR 코드가 생깁니다. 참여한 학습자는 자기 샌드박스에서 "
            "작업하면서 내 콘솔과 라이프사이클 그래프를 실시간으로 따라보고, 나는 대시보드에서 학습자들의 "
            "진도를 봅니다."
        ),
    ),
    "teach_title_label": ("Class title (optional)", "수업 제목(선택)"),
    "teach_err_cross_site": (
        "That request did not come from this site's own form. Press the button below to start a class.",
        "이 사이트의 양식에서 보낸 요청이 아닙니다. 아래 버튼을 눌러 수업을 시작하세요.",
    ),
    "teach_err_too_many": (
        (
            "Too many classes were started from your network just now. Please wait a few minutes "
            "and try again."
        ),
        "방금 같은 네트워크에서 너무 많은 수업이 시작되었습니다. 몇 분 뒤에 다시 시도해 주세요.",
    ),
    "join_another": ("Join another class", "다른 수업에 참여하기"),
    "no_such_class": ("There is no class with the code {code}.", "코드가 {code}인 수업이 없습니다."),
    "not_your_class": ("Not your class", "내 수업이 아닙니다"),
    "not_your_class_text": (
        (
            "Only the instructor who started this class can open its dashboard. To take part, use "
            "the join link."
        ),
        "이 수업을 시작한 강사만 대시보드를 열 수 있습니다. 수업에 참여하려면 참여 링크를 쓰세요.",
    ),
    "class_over": ("Class ended", "끝난 수업"),
    "class_over_text": (
        (
            "This class has ended. Your sandbox is still yours: keep practising in the sandbox or "
            "the course."
        ),
        "이 수업은 끝났습니다. 샌드박스는 그대로 남아 있으니 샌드박스나 코스에서 계속 연습하세요.",
    ),
    "join_err_empty": ("please choose a nickname", "닉네임을 정해 주세요"),
    "join_err_long": ("a nickname has at most {n} characters", "닉네임은 {n}자까지 쓸 수 있습니다"),
    "join_err_chars": (
        "a nickname cannot contain < or >",
        "닉네임에는 < 나 > 문자를 쓸 수 없습니다",
    ),
    "join_err_taken": (
        "the nickname '{name}' is taken in this class; please pick another",
        "이 수업에서 이미 쓰고 있는 닉네임입니다({name}). 다른 닉네임을 골라 주세요",
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
    "solution_file": ("in the editor, make {name} read:", "편집기에서 {name}을(를) 이렇게 고치기:"),
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
    # -- lesson Markdown: a runnable command block (webapp/lessons/markdown.py) -----------------
    # (its buttons reuse type_it and type_it_title)
    "markdown_runnable_group": ("Commands to try", "실행해 볼 명령"),
    # -- lesson checks: what a step still needs (webapp/lessons/checks.py) ----------------------
    # Filled with str.format: `{}` is the one positional value.
    "check_name": ("name", "이름"),
    "check_image": ("image", "이미지"),
    "check_state": ("state", "상태"),
    "check_exit_code": ("exit code", "종료 코드"),
    "check_restart_count": ("restart count", "재시작 횟수"),
    "check_min_restart_count": ("restarted at least", "최소 재시작 횟수"),
    "check_status_matches": ("status matching", "STATUS 패턴"),
    "check_health": ("health", "상태 검사 결과"),
    "check_had_events": ("with events", "받은 이벤트"),
    "check_container": ("container", "컨테이너"),
    "check_type": ("type", "종류"),
    "check_signal": ("signal", "시그널"),
    "check_a_container": ("a container ({})", "컨테이너 ({})"),
    "check_any_container": ("a container", "컨테이너"),
    "check_no_match": ("No container matches: {}.", "조건에 맞는 컨테이너가 없습니다: {}."),
    "check_currently": (
        "{name} is {state} (image {image}, exit code {code}).",
        "‘{name}’ 컨테이너의 지금 상태: {state} (이미지 {image}, 종료 코드 {code}).",
    ),
    "check_currently_running": (
        "{name} is {state} (image {image}).",
        "‘{name}’ 컨테이너의 지금 상태: {state} (이미지 {image}).",
    ),
    "check_no_such": ("There is no container named {name}.", "‘{name}’ 컨테이너가 없습니다."),
    "check_none_of": ("no container ({})", "없어야 하는 컨테이너 ({})"),
    "check_still_there": ("Still there: {}.", "아직 남아 있는 컨테이너: {}."),
    "check_count_at_least": ("at least {n} × {what}", "{what} {n}개 이상"),
    "check_count_at_most": ("at most {n} × {what}", "{what} {n}개 이하"),
    "check_count_exactly": ("exactly {n} × {what}", "{what} 정확히 {n}개"),
    "check_you_have": ("Right now there are {n}.", "지금은 {n}개입니다."),
    "check_event": ("a `{action}` event{attrs}", "`{action}` 이벤트{attrs}"),
    "check_events_n": ("{n} × `{action}` events{attrs}", "`{action}` 이벤트 {n}번{attrs}"),
    "check_since_step": (" since this step began", " (이 단계를 시작한 뒤)"),
    "check_since_lesson": (" since the lesson began", " (레슨을 시작한 뒤)"),
    "check_not_seen": ("Not seen yet{scope}: {what}.", "아직 일어나지 않았습니다{scope}: {what}."),
    "check_seen_n": ("Seen {n} so far.", "지금까지 {n}번 일어났습니다."),
    "check_ran": ("running `{cmd}`", "`{cmd}` 실행"),
    "check_ran_n": ("running `{cmd}` {n} times", "`{cmd}` {n}번 실행"),
    "check_matching": ("a command matching /{re}/", "/{re}/ 패턴에 맞는 명령"),
    "check_exit_is": ("exiting with {code}", "종료 코드 {code}"),
    "check_not_run": ("Not run yet{scope}: {what}.", "아직 실행하지 않았습니다{scope}: {what}."),
    "check_image_present": ("the image {ref} on this host", "이 호스트에 있는 이미지 {ref}"),
    "check_image_missing": (
        "The image {ref} is not on this host (`docker images` does not list it).",
        "이미지 {ref}가(이) 이 호스트에 없습니다 (`docker images` 목록에 없음).",
    ),
    "check_no_images": ("This engine cannot list images.", "이 엔진은 이미지 목록을 알려 주지 않습니다."),
    "check_one_of": ("One of these: {}.", "다음 중 하나: {}."),
    "check_must_not": ("This must not be the case: {}.", "다음은 참이 아니어야 합니다: {}."),
    "check_goal_missing": ("Still missing: {}.", "아직 없는 것: {}."),
    "check_goal_extra": ("Containers that are not part of the goal: {}.", "목표에 없는 컨테이너: {}."),
    "check_all": ("all of: {}", "모두: {}"),
    "check_image_built": ("the image {ref}{details}", "이미지 {ref}{details}"),
    "check_image_field": (
        "The image {ref} has {field} {have}; this step wants {want}.",
        "이미지 {ref}의 {field}은(는) {have}입니다. 이 단계에서는 {want}이어야 합니다.",
    ),
    "check_image_health": (
        "The image {ref} has no HEALTHCHECK.", "이미지 {ref}에 HEALTHCHECK가 없습니다."),
    "check_image_no_health": (
        "The image {ref} still has a HEALTHCHECK.", "이미지 {ref}에 아직 HEALTHCHECK가 있습니다."),
    "check_stop_took": ("a `docker stop`{what} that took {limits}", "`docker stop`{what} 소요 시간: {limits}"),
    "check_stop_under": ("under {n} s", "{n}초 미만"),
    "check_stop_at_least": ("at least {n} s", "{n}초 이상"),
    "check_stop_last": ("The last stop of {name} took {s} s.", "‘{name}’의 마지막 중지는 {s}초 걸렸습니다."),
}

SERVER_ONLY = ("markdown_", "check_")
"""Key prefixes of the words the server composes into lesson HTML and check sentences."""

JS_KEYS = frozenset(k for k in UI if not k.endswith("_html") and not k.startswith(SERVER_ONLY))


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
