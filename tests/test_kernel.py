"""The project's kernel, as an analyst meets it: ``make kernel`` registers it, a real Jupyter server started from
the venv finds the kernel the notebooks name, runs a notebook's cells through it and returns their outputs.

Why: the notebooks used to ask for 'python3' while ``make lab`` registered 'khuyencong', so in any JupyterLab
other than ``.venv/bin/jupyter`` the notebooks started a Python without the package. Here the kernel is
registered exactly as the Makefile does (into a temporary Jupyter data folder, never the user's own) and the
server is a separate process talking REST and websockets, like JupyterLab.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = uuid.uuid4().hex


def _makefile_kernel() -> tuple[str, str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    name = re.search(r"^KERNEL_NAME := (.+)$", text, re.M)
    display = re.search(r"^KERNEL_DISPLAY := (.+)$", text, re.M)
    assert name and display, "the Makefile names the kernel it registers"
    return name.group(1).strip(), display.group(1).strip()


def test_notebooks_name_the_kernel_make_registers() -> None:
    name, display = _makefile_kernel()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
        assert (spec["name"], spec["display_name"]) == (name, display), path.name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


async def _run_cells(ws_url: str, cells: list[str], timeout: float) -> list[list[dict[str, Any]]]:
    """Execute ``cells`` one after the other over the kernel's websocket; return each cell's output messages."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {TOKEN}"}))
    session = uuid.uuid4().hex
    results: list[list[dict[str, Any]]] = []
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            await conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": session, "msg_type": "execute_request",
                           "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            outputs: list[dict[str, Any]] = []
            deadline = time.monotonic() + timeout
            while True:
                raw = await asyncio.wait_for(conn.read_message(), max(1.0, deadline - time.monotonic()))
                assert raw is not None, "the kernel's websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind in ("stream", "display_data", "execute_result", "error"):
                    outputs.append({"type": kind, **msg["content"]})
                if kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            results.append(outputs)
    finally:
        conn.close()
    return results


@pytest.mark.slow
def test_a_real_jupyter_server_runs_a_notebook_on_the_project_kernel(tmp_path: Path) -> None:
    name, display = _makefile_kernel()
    data_dir = tmp_path / "jupyter-data"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KHUYENCONG_", "JUPYTER_"))},
        "JUPYTER_DATA_DIR": str(data_dir),  # where '--user' installs kernels: a temporary folder here
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "KHUYENCONG_PROCESSED_DIR": str(tmp_path / "processed"),
        "KHUYENCONG_REPORTS_DIR": str(tmp_path / "reports"),
        "MPLBACKEND": "Agg",
    }
    # what `make kernel` runs, with the venv's Python
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name", name, "--display-name",
                    display], check=True, env=env, capture_output=True, timeout=120)
    spec = json.loads((data_dir / "kernels" / name / "kernel.json").read_text(encoding="utf-8"))
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()

    port = _free_port()
    log = (tmp_path / "server.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
         "--ServerApp.port_retries=0", *(["--allow-root"] if os.name == "posix" and os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=log, text=True,  # a file: a full pipe would stall the server
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/api/status")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text(encoding="utf-8")[-2000:]
                assert time.monotonic() < deadline, "the Jupyter server did not start"
                time.sleep(0.5)
        specs = _get(f"{base}/api/kernelspecs")["kernelspecs"]
        assert name in specs and specs[name]["spec"]["display_name"] == display
        model = _get(f"{base}/api/contents/00_tom_tat.ipynb")
        nb = nbformat.from_dict(model["content"])
        wanted = nb.metadata["kernelspec"]["name"]
        assert wanted == name  # what JupyterLab would start for this notebook
        session = _post(f"{base}/api/sessions", {"path": "00_tom_tat.ipynb", "type": "notebook",
                                                 "kernel": {"name": wanted}})
        kernel_id = session["kernel"]["id"]
        cells = [c.source for c in nb.cells if c.cell_type == "code"]
        results = asyncio.run(_run_cells(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels",
                                         ["import sys, analysis; print(sys.executable, analysis.__file__)", *cells],
                                         timeout=240))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    errors = [o for cell in results for o in cell if o["type"] == "error"]
    assert not errors, errors[0]
    first = "".join(o.get("text", "") for o in results[0])
    assert Path(first.split()[0]).resolve() == Path(sys.executable).resolve()  # the venv's Python …
    assert str(ROOT / "src" / "analysis") in first  # … importing this checkout's package
    shown = "".join(str(o.get("data", {}).get("text/markdown", "")) for cell in results for o in cell)
    assert "3.918 triệu đồng (25 đề án)" in shown  # the brief of the reference meeting came back
    images = [o for cell in results for o in cell if "image/png" in o.get("data", {})]
    assert images  # and the opening chart
