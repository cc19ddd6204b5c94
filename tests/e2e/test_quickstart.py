"""The README's quickstart, word for word, as a first-time user runs it.

Each command of the README's Quickstart block runs in a temporary folder with
``newsgen`` on PATH from a fresh virtual environment, into which newsgen is
installed from this checkout the way a user installs it (``pip install``; its
dependencies come from the package index, or pip's cache after ``make test``).
``newsgen serve`` runs until the preview answers, then stops with Ctrl-C.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from commands import default_ctrl_c

REPO = Path(__file__).resolve().parents[2]
PREVIEW_PORT = 8000  # the README's address: http://127.0.0.1:8000/
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def quickstart_commands() -> list[list[str]]:
    """Return the commands of the README's Quickstart block, comments left out."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the README's Quickstart has no sh block"
    return [words for line in block[1].splitlines() if (words := shlex.split(line, comments=True))]


@pytest.fixture(scope="module")
def fresh_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with newsgen installed from this checkout; its bin/."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(REPO)], check=True, timeout=600)
    return venv / "bin"


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def preview_while_serving(words: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    """Run ``newsgen serve`` until its home page answers; stop it with Ctrl-C; return
    the page. Another port is used only when the README's is taken on this machine."""
    port = PREVIEW_PORT if port_is_free(PREVIEW_PORT) else None
    if port is None:
        with socket.socket() as spare:
            spare.bind(("127.0.0.1", 0))
            port = spare.getsockname()[1]
        words = [*words, "--port", str(port)]
    process = subprocess.Popen(
        words, cwd=cwd, env=env, stderr=subprocess.PIPE, text=True, preexec_fn=default_ctrl_c
    )  # stopped with Ctrl-C below: a runner may start the tests ignoring SIGINT
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                with OPENER.open(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview never answered"
                time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return page


def test_the_readme_quickstart_works_as_pasted(fresh_bin: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{fresh_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("SOURCE_DATE_EPOCH", None)
    commands = quickstart_commands()
    assert [words[:2] for words in commands] == [
        ["newsgen", "init"],
        ["cd", "mysite"],
        ["newsgen", "new"],
        ["newsgen", "serve"],
        ["newsgen", "build"],
    ]
    cwd, printed = tmp_path, {}
    for words in commands:
        if words[0] == "cd":
            cwd = cwd / words[1]
        elif words[1] == "serve":
            printed["serve"] = preview_while_serving(words, cwd, env)
        else:
            done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True)
            assert done.returncode == 0, f"{shlex.join(words)}: {done.stderr}"
            assert "Traceback" not in done.stderr
            printed[words[1]] = done.stdout
    site = tmp_path / "mysite"
    written = site / printed["new"].strip()
    assert written == site / "content/news/council-approves-bridge-repairs.md"
    assert "draft: true" in written.read_text(encoding="utf-8")
    assert b"Council approves bridge repairs" in printed["serve"]  # a preview shows drafts
    assert printed["build"].startswith("Built 1 article: ")
    assert ", 1 draft left out in " in printed["build"]
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert "Welcome to your newsgen archive" in home
    assert "Council approves bridge repairs" not in home  # a draft until the editor says
    assert (site / ".gitignore").is_file()
