"""The benchmarks set a site's state aside before a cold build instead of deleting it
(benchmarks/measure.py, set_aside(): why)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _measure():
    spec = importlib.util.spec_from_file_location("bench_measure", BENCHMARKS / "measure.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_state_is_moved_beside_the_site_not_deleted(tmp_path):
    measure = _measure()
    site = tmp_path / "site"
    (site / "public" / "world").mkdir(parents=True)
    (site / "public" / "world" / "index.html").write_text("w")
    (site / ".newsgen").mkdir()
    inode = (site / "public" / "world" / "index.html").stat().st_ino
    measure.set_aside([site / "public", site / ".newsgen", site / "missing"], tmp_path)
    measure.set_aside([site / "public"], tmp_path)  # nothing there any more: no error
    assert not (site / "public").exists() and not (site / ".newsgen").exists()
    trash = tmp_path / measure.SET_ASIDE
    moved = sorted(path.name for path in trash.iterdir())
    assert moved == ["0-public", "1-.newsgen"]
    assert (trash / "0-public" / "world" / "index.html").stat().st_ino == inode  # not copied
    (site / "public").mkdir()
    measure.set_aside([site / "public"], tmp_path)  # a second round's output: its own name
    assert sorted(path.name for path in trash.iterdir()) == ["0-public", "1-.newsgen", "2-public"]
