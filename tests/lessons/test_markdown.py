"""Lesson Markdown becomes safe HTML; docker command blocks become click-to-run."""

from __future__ import annotations

from webapp.lessons import render_markdown
from webapp.lessons.markdown import commands_in, plain_text, render_inline, runnable_lines


def test_raw_html_is_escaped():
    html = render_markdown('Hi <b>there</b> <script>alert("x")</script>\n\n<img src=x onerror=y>\n')
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;there&lt;/b&gt;" in html


def test_dangerous_links_are_not_links():
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://docs.docker.com/)")
    assert 'href="javascript' not in html
    assert '<a href="https://docs.docker.com/" rel="noopener noreferrer" target="_blank">ok</a>' \
        in html


def test_images_are_not_rendered():
    assert "<img" not in render_markdown("![a cat](https://example.com/cat.png)")


def test_runnable_blocks_carry_data_command():
    html = render_markdown("```console\ndocker run -d --name web httpd\n$ docker ps -a\n```\n")
    assert html.count('class="runnable-line"') == 2
    assert 'data-command="docker run -d --name web httpd"' in html
    assert 'data-command="docker ps -a"' in html  # the $ prompt is dropped
    assert html.count('<button type="button" class="run-command"') == 2
    assert ">Type it</button>" in html


def test_the_button_label_follows_the_locale():
    assert ">입력하기</button>" in render_markdown("```sh\ndocker ps\n```\n", "ko")


def test_commands_are_escaped_inside_attributes_and_code():
    html = render_markdown("```console\ndocker run ubuntu sh -c 'echo \"<hi>\" & true'\n```\n")
    assert 'data-command="docker run ubuntu sh -c &#x27;echo &quot;&lt;hi&gt;&quot; &amp; true&#x27;"' \
        in html
    assert "<hi>" not in html


def test_other_blocks_are_plain_code():
    for block in ("```text\ndocker ps\n```\n", "```\ndocker ps\n```\n",
                  "```dockerfile\nCMD [\"bash\"]\n```\n",
                  "```console\ndocker ps\nexit\n```\n"):  # not every line is a docker command
        html = render_markdown(block)
        assert "data-command" not in html and "<pre><code" in html, block
    assert 'class="language-dockerfile"' in render_markdown("```dockerfile\nCMD x\n```\n")


def test_runnable_lines_and_commands_in():
    assert runnable_lines("bash", "docker ps\n\n$ docker images\n") == ["docker ps", "docker images"]
    assert runnable_lines("text", "docker ps") is None
    assert runnable_lines("console", "ls") is None
    assert commands_in("x\n```console\ndocker ps\n```\n```text\ndocker images\n```\n") == ["docker ps"]


def test_inline_titles():
    assert render_inline("Why does `docker run` <b>exit</b>?") == \
        "Why does <code>docker run</code> &lt;b&gt;exit&lt;/b&gt;?"
    assert plain_text("Why does `docker run` *exit* & stop?") == "Why does docker run exit & stop?"
