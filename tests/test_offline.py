"""The app never reaches the network: no module of ours imports a way to it.

Scanned statically (every .py file of the app), so a new import fails here before it ships; the
self-test also records any socket or urllib audit event at run time, and CI runs it under
`unshare -n`. A link the user clicks in the detail pane is handed to the desktop's browser, which
is the user's own step outside the app, not a request the app makes.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETWORK_MODULES = {
    "socket", "ssl", "http", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "ftplib",
    "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "webbrowser", "socketserver",
    "PySide6.QtNetwork", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebSockets",
}  # fmt: skip
# socket is imported for the host name written into a ledger's lock file; nothing else of it is allowed.
ALLOWED_SOCKET = {"gethostname"}


def app_files() -> list[Path]:
    return [ROOT / "main.py", *sorted((ROOT / "ledger").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]


def network_uses(source: str) -> list[str]:
    """Imports of network modules (and uses of socket beyond its host name) in one module's source."""
    tree = ast.parse(source)
    found = []

    def banned(name: str) -> bool:
        return any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if banned(a.name) and a.name != "socket"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [a.name for a in node.names]
            if node.module == "socket":
                found += [f"from socket import {n}" for n in names if n not in ALLOWED_SOCKET]
            elif banned(node.module):
                found.append(f"from {node.module} import {', '.join(names)}")
            elif node.module in ("PySide6", "urllib"):
                found += [f"from {node.module} import {n}" for n in names if banned(f"{node.module}.{n}")]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "socket":
            if node.attr not in ALLOWED_SOCKET:
                found.append(f"socket.{node.attr}")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "urlopen":
            found.append("urlopen(...)")
    return found


def test_the_app_imports_no_network_module():
    files = app_files()
    assert len(files) > 20, "the scan found too few files: the layout changed"
    problems = {str(p.relative_to(ROOT)): uses for p in files if (uses := network_uses(p.read_text(encoding="utf-8")))}
    assert problems == {}


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import socket\nsocket.gethostname()", []),
        ("import socket\nsocket.create_connection(('example.org', 80))", ["socket.create_connection"]),
        ("from socket import gethostname, socket", ["from socket import socket"]),
        ("import urllib.request", ["import urllib.request"]),
        ("from urllib import request", ["from urllib import request"]),
        ("from urllib.parse import urlparse", []),
        ("from PySide6 import QtNetwork", ["from PySide6 import QtNetwork"]),
        (
            "from PySide6.QtNetwork import QNetworkAccessManager",
            ["from PySide6.QtNetwork import QNetworkAccessManager"],
        ),
        ("import webbrowser", ["import webbrowser"]),
        ("import http.client", ["import http.client"]),
        ("x.urlopen('https://example.org')", ["urlopen(...)"]),
    ],
)
def test_the_scan_finds_network_uses(source, expected):
    assert network_uses(source) == expected
