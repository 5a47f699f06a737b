"""The README's lessons command, run as written, brings up JupyterLab serving notebooks/.

The command is read from README.md (the <!-- lessons-command --> block, as .ci/run reads the
test command) and run for real in this checkout: its venv and pip steps find everything
installed already. What a test needs is passed the ways the command itself supports:
JUPYTER_PORT (a free port) and a fresh JUPYTER_CONFIG_DIR whose config says not to open a
browser; the server's address and token come from `jupyter server list --json`. CI runs it as
root, which is how the command once failed (JupyterLab refuses root without --allow-root).
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
START_TIMEOUT = 300  # the pip step re-checks the install first


def lessons_command() -> str:
    match = re.search(r"<!-- lessons-command -->\n```bash\n(.*?)\n```", README, re.S)
    assert match, "README.md has no <!-- lessons-command --> block"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_the_lessons_command_is_one_line_that_opens_notebooks_as_root_too():
    command = lessons_command()
    assert "\n" not in command
    assert command.startswith("python3 -m venv .venv && ")
    assert re.search(r"\.venv/bin/jupyter lab .*--allow-root.* notebooks/$", command)


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="runs only from this checkout's .venv (where the README's command "
                           "installs), as CI does; elsewhere the command would build a new venv")
def test_the_lessons_command_serves_the_notebooks(tmp_path):
    jupyter = tmp_path / "jupyter"
    config = jupyter / "config"
    config.mkdir(parents=True)
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"open_browser": False}}), encoding="utf-8")
    # `python3` is the interpreter that made .venv, so `python3 -m venv .venv` keeps it as is
    python3 = tmp_path / "bin" / "python3"
    python3.parent.mkdir()
    python3.symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = dict(os.environ, PATH=f"{python3.parent}{os.pathsep}{os.environ['PATH']}",
               JUPYTER_PORT=str(_free_port()), JUPYTER_CONFIG_DIR=str(config),
               JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(jupyter / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(jupyter / "workspaces"))
    env.pop("JUPYTER_TOKEN", None)
    log_path = tmp_path / "lessons-command.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(["bash", "-e", "-c", lessons_command()], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        info = _wait_for_the_server(server, env, log_path)
        assert Path(info["root_dir"]).resolve() == (ROOT / "notebooks").resolve()
        base, token = info["url"].rstrip("/"), info["token"]
        assert token, "the server runs without a token"

        status, page = _get(f"{base}/lab?token={token}")
        assert status == 200 and b"JupyterLab" in page
        status, listing = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        assert "00_start_here.ipynb" in names, sorted(names)
        status, notebook = _get(f"{base}/api/contents/00_start_here.ipynb?token={token}")
        notebook = json.loads(notebook)
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
        with pytest.raises(OSError):  # stopped: nothing answers there any more
            _get(f"{base}/api/status?token={token}")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(30)


def _wait_for_the_server(server, env: dict, log_path: Path) -> dict:
    """The running server's info from `jupyter server list --json`, once it answers."""
    jupyter = ROOT / ".venv" / "bin" / "jupyter"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the lessons command exited with {server.returncode}:\n"
                                 f"{log_path.read_text()}")
        listed = subprocess.run([str(jupyter), "server", "list", "--json"], env=env,
                                capture_output=True, text=True).stdout
        servers = [json.loads(line) for line in listed.splitlines() if line.strip()]
        if servers:
            try:
                _get(f"{servers[0]['url'].rstrip('/')}/api/status?token={servers[0]['token']}")
                return servers[0]
            except OSError:
                pass
        time.sleep(1)
    raise AssertionError(f"no JupyterLab within {START_TIMEOUT} s; its log:\n{log_path.read_text()}")
