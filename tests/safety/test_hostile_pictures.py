"""Damaged and hostile picture files through the image workers: each one either makes
its copies or gives a reason, in bounded time; none crashes the build or hangs it.

The files are real pictures (JPEG, progressive JPEG, PNG, palette PNG, WebP, AVIF,
GIF, animated GIF) with bytes flipped, runs zeroed, and the file cut at random
places, a fixed seed each, so that a failure can be run again.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from newsgen.images.jobs import Unit
from newsgen.images.workers import FileTask, run_tasks
from newsgen.models import ImageSettings
from photos import scene

KINDS = {
    "jpg": lambda: _saved(scene((240, 160)), "JPEG", quality=85),
    "progressive.jpg": lambda: _saved(scene((240, 160)), "JPEG", progressive=True),
    "png": lambda: _saved(scene((120, 80)), "PNG"),
    "palette.png": lambda: _saved(scene((120, 80)).quantize(16), "PNG"),
    "webp": lambda: _saved(scene((240, 160)), "WEBP", quality=70),
    "avif": lambda: _saved(scene((240, 160)), "AVIF", quality=50),
    "gif": lambda: _saved(scene((120, 80)).quantize(64), "GIF"),
    "animated.gif": lambda: _animation(),
}


def _saved(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _animation() -> bytes:
    frames = [scene((80, 60), seed=n).quantize(32) for n in range(4)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=50)
    return out.getvalue()


def _damaged(data: bytes, rng: random.Random) -> bytes:
    """``data`` with one kind of damage a disk, a network or an attacker makes."""
    damage = rng.choice(("flip", "zero", "cut", "repeat"))
    buffer = bytearray(data)
    if damage == "flip":
        for _ in range(rng.randint(1, 12)):
            at = rng.randrange(len(buffer))
            buffer[at] ^= 1 << rng.randrange(8)
    elif damage == "zero":
        at = rng.randrange(len(buffer))
        buffer[at : at + rng.randint(1, 400)] = bytes(min(400, len(buffer) - at))
    elif damage == "cut":
        del buffer[rng.randrange(1, len(buffer)) :]
    else:  # a run repeated: lengths and offsets that no longer match
        at = rng.randrange(len(buffer))
        buffer[at:at] = buffer[at : at + rng.randint(1, 200)] * rng.randint(2, 50)
    return bytes(buffer)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_damaged_pictures_are_made_or_refused_never_crash(kind: str, tmp_path: Path) -> None:
    rng = random.Random(f"hostile {kind}")
    original = KINDS[kind]()
    extension = kind.rsplit(".", 1)[-1]
    tasks = []
    for number in range(12):
        path = tmp_path / f"{number}.{extension}"
        path.write_bytes(_damaged(original, rng))
        units = (
            Unit(f"{number:02d}base{kind}".ljust(24, "x")[:24]),
            Unit(
                f"{number:02d}crop{kind}".ljust(24, "x")[:24],
                focus=(0.3, 0.6),
                kinds=("thumb", "social"),
            ),
        )
        tasks.append(FileTask(str(path), extension, units))
    outcomes = run_tasks(tasks, ImageSettings(formats=("webp",)), tmp_path / "made", jobs=2)
    assert len(outcomes) == len(tasks)
    for outcome in outcomes:
        assert isinstance(outcome, list | str)
        if isinstance(outcome, str):  # a reason a person can act on
            assert outcome.startswith(("is ", "stopped ", "cannot ", "has ")), outcome
        else:
            for result in outcome:
                assert all((tmp_path / "made" / made.name).is_file() for made in result.files)


@pytest.mark.parametrize(
    "damage", ["img is a file", "records is a link", "a file among img's folders"]
)
def test_a_damaged_picture_cache_is_made_anew(damage: str, make_site) -> None:
    """Nothing in .newsgen/ breaks the site: a picture cache holding something else where
    a folder goes is removed, with one warning, and its pictures made again."""
    from newsgen.build.options import BuildOptions
    from newsgen.build.pipeline import build

    root = make_site(
        {
            "content/world/a.md": "---\nheadline: A\ndate: 2024-01-01T10:00:00Z\n"
            "images:\n  - src: /images/a.jpg\n    alt: A\n---\nBody.\n",
            "static/images/a.jpg": KINDS["jpg"](),
        }
    )
    build(BuildOptions(root))
    made = root / ".newsgen" / "images"
    if damage == "img is a file":
        shutil.rmtree(made / "img")
        (made / "img").write_text("x")
    elif damage == "records is a link":
        shutil.rmtree(made / "records")
        (made / "records").symlink_to(root / "content")
    else:
        (made / "img" / "zz").write_text("x")
    (root / "static" / "extra.css").write_text("p {}")  # a full build
    report = build(BuildOptions(root))
    assert [w.path for w in report.warnings] == [".newsgen/images"]
    assert report.pictures_made == 1
    assert (root / "content" / "world" / "a.md").is_file()  # a link followed nowhere
    page = (root / "public" / "world" / "2024" / "01" / "01" / "a" / "index.html").read_text()
    sources = [src for src in page.split('src="')[1:] if src.startswith("/img/")]
    assert sources and all(
        (root / "public" / src.split('"')[0].lstrip("/")).is_file() for src in sources
    )
