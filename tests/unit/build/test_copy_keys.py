"""newsgen.build.copy_keys: copied files known unchanged by their stat are linked
from the live output without reading them."""

from __future__ import annotations

import filecmp
import os
import time
from pathlib import Path

import pytest
from unit_helpers import article_text

from newsgen.build import copy_keys
from newsgen.build.copy_keys import COPY_KEY, known_copies, source_keys
from newsgen.build.copy_keys import copy_keys as recorded_keys
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.write import Copy


def old_file(path: Path, data: bytes) -> Path:
    """Write ``path``, dated a minute ago (its change time stays now: see not_racy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


@pytest.fixture
def not_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as changed long ago (their change time cannot
    be set back), unless their modification time is within the last seconds."""
    monkeypatch.setattr(copy_keys, "racy", lambda info, now: info.st_mtime_ns > now - 2e9)


def test_a_sources_key_is_its_stat_unless_missing_or_racy(tmp_path, not_racy):
    old = old_file(tmp_path / "old.css", b"a")
    fresh = tmp_path / "fresh.css"
    fresh.write_bytes(b"b")
    copies = [
        Copy(old, "css/old.css", "static/css/old.css"),
        Copy(fresh, "css/fresh.css", "static/css/fresh.css"),
        Copy(tmp_path / "gone.css", "css/gone.css", "static/css/gone.css"),
    ]
    keys = source_keys(copies)
    assert list(keys) == ["css/old.css"]  # a file changed just now is compared next time
    assert keys["css/old.css"].startswith(COPY_KEY)


def test_a_copy_whose_source_has_the_recorded_key_is_known_by_its_inode(tmp_path, not_racy):
    source = old_file(tmp_path / "a.css", b"a")
    copy = Copy(source, "css/a.css", "static/css/a.css")
    keys = source_keys([copy])
    [known] = known_copies([copy], keys, {"css/a.css": (keys["css/a.css"], 1234)})
    assert known.known == 1234
    [unknown] = known_copies([copy], keys, {"css/a.css": ("copy other", 1234)})
    assert unknown.known is None
    assert recorded_keys(keys, {"css/a.css": 99, "x.html": 7}) == {
        "css/a.css": (keys["css/a.css"], 99)
    }


def test_an_unchanged_site_file_is_linked_without_reading_it(make_site, monkeypatch, not_racy):
    root = make_site({"content/world/a.md": article_text("Harbour opens")})
    old_file(root / "static" / "files" / "report.pdf", b"%PDF a report")
    build(BuildOptions(root))
    live = root / "public" / "files" / "report.pdf"
    inode = live.stat().st_ino
    compared: list[str] = []
    real = filecmp.cmp

    def comparing(a: str, b: str, shallow: bool = True) -> bool:
        compared.append(str(b))
        return real(a, b, shallow)

    monkeypatch.setattr(filecmp, "cmp", comparing)
    (root / "content" / "world" / "b.md").write_text(article_text("Ferry sails"), "utf-8")
    build(BuildOptions(root))  # a full build: an article was added
    assert live.stat().st_ino == inode  # linked from the last output
    assert not [name for name in compared if name.endswith("report.pdf")]


def test_a_site_file_changed_in_place_is_copied_again(make_site, not_racy):
    root = make_site({"content/world/a.md": article_text("Harbour opens")})
    photo = old_file(root / "static" / "files" / "report.pdf", b"%PDF a report")
    build(BuildOptions(root))
    before = photo.stat()
    photo.write_bytes(b"%PDF a newer!")  # the same size, the old times put back
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # but not its ctime
    (root / "content" / "world" / "b.md").write_text(article_text("Ferry sails"), "utf-8")
    build(BuildOptions(root))
    assert (root / "public" / "files" / "report.pdf").read_bytes() == b"%PDF a newer!"


@pytest.mark.parametrize("replaced", ["removed", "edited"])
def test_a_live_file_changed_since_is_not_trusted(make_site, replaced, not_racy):
    root = make_site({"content/world/a.md": article_text("Harbour opens")})
    old_file(root / "static" / "site.css", b"body { color: black }")
    build(BuildOptions(root))
    live = root / "public" / "site.css"
    live.unlink()
    if replaced == "edited":
        live.write_bytes(b"body { color: green }")
    (root / "content" / "world" / "b.md").write_text(article_text("Ferry sails"), "utf-8")
    build(BuildOptions(root))
    assert live.read_bytes() == b"body { color: black }"
