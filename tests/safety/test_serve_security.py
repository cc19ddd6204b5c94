"""The preview server (``newsgen serve``): loopback only, own files only, right answers.

The server runs as a real subprocess. Requests go over raw sockets so that
the request target is sent exactly as written (urllib would normalise it).
All traffic goes to this machine; every loop is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from commands import default_ctrl_c
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from page_checks import remove_script

NEWSGEN = str(Path(sys.executable).parent / "newsgen")
REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sites" / "basic"

SECRET_BESIDE = b"TOPSECRET-beside-the-output-7f3a"
SECRET_ROOT = b"TOPSECRET-in-the-site-root-91c2"
SECRETS = (SECRET_BESIDE, SECRET_ROOT)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    raw: bytes


def request(
    port: int,
    target: str,
    method: str = "GET",
    host: str | None = "default",
    address: str = "127.0.0.1",
    extra: str = "",
) -> Response:
    """Send one request with ``target`` exactly as given; read the answer until close."""
    host_line = ""
    if host == "default":
        host_line = f"Host: 127.0.0.1:{port}\r\n"
    elif host is not None:
        host_line = f"Host: {host}\r\n"
    head = f"{method} {target} HTTP/1.1\r\n{host_line}Connection: close\r\n{extra}\r\n"
    return raw_request(port, head.encode("latin-1"), address)


def raw_request(port: int, data: bytes, address: str = "127.0.0.1") -> Response:
    """Send ``data`` as it is; read the answer until close and parse it."""
    chunks = []
    deadline = time.monotonic() + 10
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(data)
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks))


def parse_response(raw: bytes) -> Response:
    header_block, _, body = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    assert lines and lines[0].startswith("HTTP/"), raw[:200]
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, body, raw)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    site: Path
    output: Path
    process: subprocess.Popen[bytes]
    stderr_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def serving(site: Path, output: Path, *extra: str) -> Iterator[Server]:
    """Run ``newsgen serve`` on a free port until it answers; always stop it."""
    port = free_port()
    stderr_path = output.parent / f"serve-{port}.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [
                NEWSGEN,
                "serve",
                "--port",
                str(port),
                "--source",
                str(site),
                "--output",
                str(output),
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=default_ctrl_c,
        )
    server = Server(port, site, output, process, stderr_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"newsgen serve exited with {process.returncode}: {server.stderr()}")
            try:
                request(port, "/")
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"newsgen serve did not answer within 30 s: {server.stderr()}")
                time.sleep(0.05)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def make_site(base: Path) -> Path:
    site = Path(shutil.copytree(FIXTURE, base / "site"))
    (site / "secret.txt").write_bytes(SECRET_ROOT + b"\n")
    (base / "secret.txt").write_bytes(SECRET_BESIDE + b"\n")
    return site


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the read-only tests; output ``BASE/out`` beside ``BASE/secret.txt``."""
    base = tmp_path_factory.mktemp("serve")
    site = make_site(base)
    output = base / "out"
    with serving(site, output) as running:
        # Links planted in the served folder after the build, pointing out of it.
        (output / "leak.txt").symlink_to(base / "secret.txt")
        (output / "leakdir").symlink_to(base, target_is_directory=True)
        (output / "world" / "leak-root.txt").symlink_to(site / "secret.txt")
        # A folder whose name looks like a host, for the open-redirect checks.
        (output / "other.host" / "world").mkdir(parents=True)
        (output / "other.host" / "world" / "index.html").write_text("<p>host-like folder</p>")
        yield running


def assert_no_secret(response: Response, target: str) -> None:
    for secret in SECRETS:
        assert secret not in response.raw, f"{target} leaked a secret: {response.raw[:300]!r}"


# --------------------------------------------------------------------------
# binding
# --------------------------------------------------------------------------


def listening_addresses(port: int) -> list[str]:
    """The IPv4 addresses a socket listens on for ``port``, read from /proc/net/tcp.

    Reading the kernel's table sends no packet: the test never contacts an
    address outside the loopback range.
    """
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            found.append(str(ipaddress.IPv4Address(bytes.fromhex(address)[::-1])))
    return found


def connects(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=2):
            return True
    except OSError:
        return False


def test_binds_loopback_only_by_default(server: Server) -> None:
    assert connects("127.0.0.1", server.port)
    assert not connects("127.0.0.2", server.port), "reachable on 127.0.0.2: not bound to 127.0.0.1"
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read the listening address from")
    assert listening_addresses(server.port) == ["127.0.0.1"]


def test_default_bind_prints_no_warning(server: Server) -> None:
    assert "warning: serving on" not in server.stderr().lower()


def test_host_all_addresses_warns(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site, tmp_path / "out", "--host", "0.0.0.0") as running:
        assert request(running.port, "/").status == 200
        # Bound to every address, it still refuses DNS names it is not (DNS rebinding).
        assert request(running.port, "/", host=f"evil.example:{running.port}").status == 400
        stderr = running.stderr()
    assert "warning" in stderr.lower(), stderr
    assert "0.0.0.0" in stderr


def test_serve_refuses_an_unsafe_output_and_serves_nothing(tmp_path: Path) -> None:
    """``serve --output`` goes through the same checks as build: a home folder is not output."""
    site = make_site(tmp_path)
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.txt").write_text("years of work\n")
    (home / "index.html").write_text("<p>mine</p>")
    before = sorted(p.relative_to(home).as_posix() for p in home.rglob("*"))
    port = str(free_port())
    result = subprocess.run(
        [NEWSGEN, "serve", "--port", port, "--source", str(site), "--output", str(home)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=default_ctrl_c,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == before
    assert (home / "Documents" / "thesis.txt").read_text() == "years of work\n"


# --------------------------------------------------------------------------
# Host header
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        None,
        "",
        "127.0.0.1:{port}.evil.example",
        "localhost.evil.example:{port}",
        "127.0.0.1:1",
        "evil.example:{port}@127.0.0.1:{port}",
    ],
    ids=lambda h: repr(h),
)
def test_foreign_host_header_gets_400(server: Server, host: str | None) -> None:
    value = None if host is None else host.format(port=server.port)
    response = request(server.port, "/", host=value)
    assert response.status == 400, (value, response.status)
    assert b"Test Gazette" not in response.body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_own_host_header_is_served(server: Server, host: str) -> None:
    response = request(server.port, "/", host=host.format(port=server.port))
    assert response.status == 200
    assert remove_script(response.body) == (server.output / "index.html").read_bytes()


# --------------------------------------------------------------------------
# path traversal
# --------------------------------------------------------------------------


def traversal_targets(port: int) -> list[str]:
    targets = []
    for rel in ("secret.txt", "site/secret.txt"):
        enc = rel.replace("/", "%2F")
        targets += [
            f"/../{rel}",
            f"/%2e%2e/{rel}",
            f"/%2E%2E%2F{enc}",
            f"/..%2f{rel}",
            f"/..%5c{rel}",
            f"/..\\{rel}",
            f"/..%20/{rel}",
            f"/%252e%252e/{rel}",
            f"/.%2e/{rel}",
            f"/%2e./{rel}",
            f"/./../{rel}",
            f"/world/../../{rel}",
            f"/world/%2e%2e/%2e%2e/{rel}",
            f"/..;/{rel}",
            f"/%c0%ae%c0%ae/{rel}",
            f"/../{rel}%00.html",
            f"/../{rel}?x=1",
            f"/../{rel}#frag",
            f"http://127.0.0.1:{port}/../{rel}",
            f"http://127.0.0.1:{port}/%2e%2e/{rel}",
            f"//../{rel}",
            f"/.../{rel}",
        ]
    return [
        *targets,
        "//etc/passwd",
        "/etc/passwd",
        "///etc/passwd",
        "/../../../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/index.html%00",
        "/index.html%00.txt",
        "/%00",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/site/secret.txt",
        "/leakdir/",
        "/world/leak-root.txt",
        "/world/../leak.txt",
    ]


def test_path_traversal_never_serves_outside_files(server: Server) -> None:
    failures = []
    for target in traversal_targets(server.port):
        response = request(server.port, target)
        if response.status not in (400, 404):
            failures.append(f"{target!r}: {response.status} {response.headers.get('location')}")
        for secret in SECRETS:
            if secret in response.raw:
                failures.append(f"{target!r}: leaked {secret!r}")
        if b"root:" in response.body:
            failures.append(f"{target!r}: served /etc/passwd")
    assert failures == []


def test_traversal_with_head_leaks_no_length_either(server: Server) -> None:
    secret_size = str(len(SECRET_BESIDE) + 1)
    for target in ("/../secret.txt", "/leak.txt", "/%2e%2e/secret.txt"):
        response = request(server.port, target, method="HEAD")
        assert response.status in (400, 404)
        assert response.body == b""
        assert response.headers.get("content-length") != secret_size


def test_links_inside_the_output_that_stay_inside_are_fine(server: Server) -> None:
    """Sanity check that the link tests above are meaningful: a file is served normally."""
    response = request(server.port, "/images/harbour.png")
    assert response.status == 200
    assert response.body == (server.output / "images" / "harbour.png").read_bytes()


# --------------------------------------------------------------------------
# redirects stay on this site
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//other.host/",
        "//other.host/world",
        "//other.host//world",
        "/other.host/world",
        "///other.host/world",
        "/.//other.host/world",
        "/world",
        "/./world",
        "//world",
        "/%2F%2Fother.host/world",
        "/%2fother.host/world",
        "/\\other.host/world",
        "/world?next=//other.host",
    ],
)
def test_redirects_never_leave_the_site(server: Server, target: str) -> None:
    response = request(server.port, target)
    if response.status in (301, 302, 303, 307, 308):
        location = response.headers.get("location", "")
        assert location.startswith("/"), location
        assert not location.startswith("//"), location
        assert not location.startswith("/\\"), location
        assert "://" not in location, location
    else:
        assert response.status in (200, 400, 404), response.status


def test_folder_without_slash_redirects_to_itself_with_slash(server: Server) -> None:
    response = request(server.port, "/world")
    assert response.status == 301
    assert response.headers["location"] == "/world/"


# --------------------------------------------------------------------------
# content types, 404, methods
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/world/", "text/html; charset=utf-8"),
        ("/404.html", "text/html; charset=utf-8"),
        ("/feed.xml", "application/xml"),
        ("/world/feed.xml", "application/xml"),
        ("/css/newsgen.css", "text/css"),
        ("/images/harbour.png", "image/png"),
    ],
)
def test_content_types(server: Server, target: str, expected: str) -> None:
    response = request(server.port, target)
    assert response.status == 200, target
    content_type = response.headers.get("content-type", "")
    if expected == "text/html; charset=utf-8":
        assert content_type.replace(" ", "").lower() == "text/html;charset=utf-8"
    else:
        assert content_type.lower().startswith(expected), content_type
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert int(response.headers["content-length"]) == len(response.body)


INDEX_TYPES = {".json": "application/json"}  # the search index is JSON files alone


def test_the_search_index_is_served_whole_with_its_content_types(server: Server) -> None:
    files = sorted(p for p in (server.output / "pagefind").rglob("*") if p.is_file())
    assert {p.suffix for p in files} == set(INDEX_TYPES)
    for path in files:
        target = "/" + path.relative_to(server.output).as_posix()
        response = request(server.port, target)
        assert response.status == 200, target
        assert response.headers["content-type"].startswith(INDEX_TYPES[path.suffix]), target
        assert response.body == path.read_bytes(), target  # no reload script added


@pytest.mark.parametrize("target", ["/no/such/page/", "/no-such-file.html", "/world/2099/"])
def test_missing_path_gets_404_with_the_site_404_page(server: Server, target: str) -> None:
    response = request(server.port, target)
    assert response.status == 404
    assert remove_script(response.body) == (server.output / "404.html").read_bytes()
    assert response.headers.get("content-type", "").startswith("text/html")


@pytest.mark.parametrize("target", ["/world/2024/", "/images/", "/css/"])
def test_folder_without_index_gets_404(server: Server, target: str) -> None:
    folder = server.output / target.strip("/")
    assert folder.is_dir() and not (folder / "index.html").exists()
    response = request(server.port, target)
    assert response.status == 404
    assert remove_script(response.body) == (server.output / "404.html").read_bytes()
    assert b"harbour.png" not in response.body  # no directory listing


def test_head_has_headers_but_no_body(server: Server) -> None:
    page = request(server.port, "/").body
    response = request(server.port, "/", method="HEAD")
    assert response.status == 200
    assert response.body == b""
    assert int(response.headers["content-length"]) == len(page)
    missing = request(server.port, "/no/such/", method="HEAD")
    assert missing.status == 404
    assert missing.body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_implemented(server: Server, method: str) -> None:
    response = request(server.port, "/", method=method, extra="Content-Length: 0\r\n")
    assert response.status in (405, 501), response.status
    assert b"Test Gazette" not in response.body


# --------------------------------------------------------------------------
# rebuilds while serving
# --------------------------------------------------------------------------

RACE_ARTICLE = "content/world/race.md"
RACE_PATH = "/world/2024/12/20/race-story/"


def race_article(version: int) -> str:
    return (
        "---\n"
        f'headline: "Race story, version {version} of the headline"\n'
        "date: 2024-12-20T12:00:00+01:00\n"
        "slug: race-story\n"
        "---\n"
        f"Body of version {version}. " * 200 + "\n"
    )


def test_rebuild_while_serving_gives_complete_pages(tmp_path: Path) -> None:
    """Every answer during rebuilds is 200 and one complete version, never a torn file."""
    site = make_site(tmp_path)
    (site / RACE_ARTICLE).write_text(race_article(1), encoding="utf-8")
    output = tmp_path / "out"
    with serving(site, output) as running:
        base_url = running.base_url
        expected: dict[str, set[bytes]] = {"/": set(), RACE_PATH: set()}
        for version in (1, 2):
            (site / RACE_ARTICLE).write_text(race_article(version), encoding="utf-8")
            reference = tmp_path / f"ref{version}"
            build(BuildOptions(site, reference, base_url, drafts=True, future=True))
            expected["/"].add((reference / "index.html").read_bytes())
            expected[RACE_PATH].add((reference / RACE_PATH.strip("/") / "index.html").read_bytes())
        assert all(len(bodies) == 2 for bodies in expected.values())
        # The server's own build is version 1, byte for byte like ours.
        assert remove_script(request(running.port, RACE_PATH).body) in expected[RACE_PATH]

        stop = threading.Event()
        seen: list[tuple[str, int, bytes]] = []
        errors: list[str] = []

        def hammer() -> None:
            deadline = time.monotonic() + 10
            targets = ["/", RACE_PATH]
            for count in range(4000):
                if stop.is_set() or time.monotonic() > deadline:
                    break
                target = targets[count % 2]
                try:
                    response = request(running.port, target)
                except (OSError, AssertionError) as error:
                    errors.append(f"{target}: {error!r}")
                    continue
                seen.append((target, response.status, remove_script(response.body)))

        thread = threading.Thread(target=hammer, daemon=True)
        thread.start()
        try:
            started = time.monotonic()
            rebuilds = 0
            while rebuilds < 12 and time.monotonic() - started < 2.0:
                version = 2 if rebuilds % 2 == 0 else 1
                (site / RACE_ARTICLE).write_text(race_article(version), encoding="utf-8")
                build(BuildOptions(site, output, base_url, drafts=True, future=True))
                rebuilds += 1
        finally:
            stop.set()
            thread.join(timeout=15)
        assert rebuilds >= 4
        assert errors == []
        assert len(seen) >= 20, "too few requests overlapped the rebuilds"
        bad = [
            (target, status, len(body))
            for target, status, body in seen
            if status != 200 or body not in expected[target]
        ]
        assert bad == [], f"{len(bad)} of {len(seen)} answers were not a complete page: {bad[:5]}"
        # Both versions were served while the site changed under the server.
        article_bodies = {body for target, _, body in seen if target == RACE_PATH}
        assert article_bodies == expected[RACE_PATH]
