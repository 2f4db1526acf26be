"""The workspace in the page: a Dockerfile typed into the editor is saved to the server, survives a
reload, follows another tab, and `docker build .` in the console builds it (then the token runs).

Saves artifacts/screenshots/workspace.png: the editor beside the graph (for the README).
"""

from __future__ import annotations

from .conftest import ROOT, Lab

DOCKERFILE = 'FROM busybox\nCMD ["sleep", "3600"]'
ARTIFACTS = ROOT / "artifacts" / "screenshots"
EDITOR = "#editor .cm-content"


def type_in_editor(lab: Lab, text: str) -> None:
    lab.page.click(EDITOR)
    for n, line in enumerate(text.split("\n")):
        if n:
            lab.page.keyboard.press("Enter")
        lab.page.keyboard.type(line)


def wait_saved(lab: Lab) -> None:
    lab.page.wait_for_selector('#workspace[data-saved="true"]', timeout=lab.TIMEOUT)


def editor_text(lab: Lab) -> str:
    return lab.page.eval_on_selector(
        "#editor", "host => [...host.shadowRoot.querySelectorAll('.cm-line')]"
        ".map(l => l.textContent).join('\\n')")


def test_a_dockerfile_typed_in_the_editor_is_saved_and_comes_back(lab: Lab):
    page = lab.page
    page.wait_for_selector('#workspace[data-ready="true"]', timeout=lab.TIMEOUT)
    page.wait_for_selector('[data-file="Dockerfile"][aria-selected="true"]', timeout=lab.TIMEOUT)
    type_in_editor(lab, DOCKERFILE)
    wait_saved(lab)
    assert page.text_content("#workspace-status") == "Saved"
    assert page.get_attribute('[data-file="Dockerfile"]', "data-dirty") is None
    # highlighted as a Dockerfile: FROM and CMD are keywords of their own colour
    keywords = page.eval_on_selector(
        "#editor", "host => [...host.shadowRoot.querySelectorAll('.cm-line span')]"
        ".filter(s => s.textContent === 'FROM' || s.textContent === 'CMD')"
        ".map(s => getComputedStyle(s).color)")
    assert len(keywords) == 2 and keywords[0] == keywords[1]
    assert keywords[0] != page.eval_on_selector(EDITOR, "c => getComputedStyle(c).color")

    page.reload()
    lab.wait_ready()
    page.wait_for_selector('[data-file="Dockerfile"]', timeout=lab.TIMEOUT)
    page.wait_for_function(
        "() => document.querySelector('#editor').shadowRoot.querySelector('.cm-content')"
        ".textContent.includes('CMD')", timeout=lab.TIMEOUT)
    assert editor_text(lab) == DOCKERFILE


def test_new_file_another_tab_and_delete(lab: Lab):
    page = lab.page
    page.wait_for_selector('#workspace[data-ready="true"]', timeout=lab.TIMEOUT)
    other = page.context.new_page()
    other.goto(f"{lab.base}/sandbox")
    other.wait_for_selector('#workspace[data-ready="true"]', timeout=lab.TIMEOUT)

    page.click("#file-new")
    page.fill("#file-new-name", "serve.sh")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-file="serve.sh"][aria-selected="true"]', timeout=lab.TIMEOUT)
    page.keyboard.press("Control+End")
    page.keyboard.type("exec httpd -f -p 8080")
    page.keyboard.press("Control+s")
    wait_saved(lab)
    # the other tab follows
    other.wait_for_selector('[data-file="serve.sh"]', timeout=lab.TIMEOUT)
    other.click('[data-file="serve.sh"]')
    other.wait_for_function(
        "() => document.querySelector('#editor').shadowRoot.querySelector('.cm-content')"
        ".textContent.includes('exec httpd')", timeout=lab.TIMEOUT)
    # a name the workspace refuses: said plainly, nothing created
    page.click("#file-new")
    page.fill("#file-new-name", "../secret")
    page.keyboard.press("Enter")
    page.wait_for_selector("#workspace-error:not([hidden])", timeout=lab.TIMEOUT)
    assert "is not a file name the workspace accepts" in page.text_content("#workspace-error")
    assert page.query_selector('[data-file="../secret"]') is None
    # delete (two clicks), and the other tab loses it too
    page.click('[data-file="serve.sh"]')
    page.click("#file-delete")
    page.click("#file-delete")
    page.wait_for_selector('[data-file="serve.sh"]', state="detached", timeout=lab.TIMEOUT)
    other.wait_for_selector('[data-file="serve.sh"]', state="detached", timeout=lab.TIMEOUT)
    other.close()


def test_edit_a_dockerfile_build_it_and_run_it(lab: Lab):
    page = lab.page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_selector('#workspace[data-ready="true"]', timeout=lab.TIMEOUT)
    type_in_editor(lab, DOCKERFILE)
    wait_saved(lab)
    lab.run("docker build -t mine .")
    lab.run("docker run -d --name web mine")
    lab.token("web", "running")
    # the README's picture: the editor beside the graph, on a laptop-sized window
    page.set_viewport_size({"width": 1440, "height": 900})
    page.click(EDITOR)
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace.png"), full_page=True)


def test_the_lab_still_fits_a_phone(lab: Lab):
    page = lab.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_selector('#workspace[data-ready="true"]', timeout=lab.TIMEOUT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    editor = page.locator("#editor").bounding_box()
    assert editor["width"] > 300 and editor["height"] > 150
