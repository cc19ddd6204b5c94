"""importer/transaction.py: slugs made unique in the file name and the address, and the
staging folders of killed imports removed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from newsgen.importer import transaction
from newsgen.importer.command import open_site
from newsgen.importer.wordpress import ImportedPost, yaml_text


def post(number: int, slug: str) -> ImportedPost:
    front = {"headline": f"Story {number}", "slug": slug, "date": "2024-01-02T10:00:00+00:00",
             "section": "World", "extra": {"feed": {"id": f"id-{number}"}}}  # fmt: skip
    text = "---\n" + yaml_text(front) + "---\nThe body of the story.\n"
    return ImportedPost(number, "world", slug, text, (), f"id-{number}#")


def test_slugs_yaml_quotes_are_made_unique_in_the_address_too(tmp_path: Path):
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    done = transaction.import_posts(
        open_site(root), [post(1, "2019"), post(2, "2019")], False, False
    )
    assert not done.failed
    second = (root / "content" / "world" / "2019-2.md").read_text()
    assert "slug: 2019-2\n" in second and "'2019'" not in second


def test_the_staging_folder_of_a_killed_import_is_removed(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed = tmp_path / f"{transaction.STAGING_PREFIX}999999999-abc"  # no such process
    killed.mkdir()
    (killed / "0.md").write_text("left by SIGKILL")
    running = tmp_path / f"{transaction.STAGING_PREFIX}1-abc"  # init: alive
    running.mkdir()
    with transaction._staging_folder() as folder:
        assert folder.is_dir() and folder.parent == tmp_path
    assert not killed.exists() and running.exists() and not folder.exists()
