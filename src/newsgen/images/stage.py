"""The image stage of a build: plan, make what the cache lacks, and give pictures out.

process_images() takes what images/plan.py planned, reads the cache's records
(images/store.py), sends every file with units missing to the workers
(images/workers.py), and returns the Pictures with the files the output gets:
each picture's own copy, without metadata, in place of the original, and its
resized copies and crops under ``img/``. A picture that cannot be published is
an error on every page that shows it (file, line, field) or, shown by none,
on the file itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import Problems
from newsgen.images.jobs import STRUCTURED_SHAPES, Made, Unit, UnitResult, file_name
from newsgen.images.plan import FilePlan, Use
from newsgen.images.store import RecordBook
from newsgen.models import ImageSettings, Picture

if TYPE_CHECKING:  # the workers load Pillow: imported when a picture is to be made
    from newsgen.images.workers import Outcome

MAX_PLACES = 3
"""A broken picture is reported on this many of the pages that show it, the rest counted."""


@dataclass(frozen=True, slots=True)
class MadeFile:
    """A file of the output made by the image stage."""

    source: str
    """The file in the cache."""
    path: str
    """Where it goes in the output."""
    origin: str
    """The picture it was made from (``static/images/a.jpg``), for messages."""


@dataclass(slots=True)
class Processed:
    """What the image stage made."""

    pictures: dict[tuple[str, tuple[float, float], bool, tuple[str, ...]], Picture]
    """Each use's Picture, by file, focal point, crop setting and crop kinds."""
    originals: dict[str, str]
    """The copy without metadata of each picture file, by the original's path on disk."""
    files: list[MadeFile]
    """The resized copies and crops to publish, each once."""
    made: int = 0
    """How many picture files were processed (the others came from the cache)."""
    given: set[str] = field(default_factory=set)
    """The paths in ``files`` (each given once, however many uses share it)."""
    shared: dict[tuple[str, str], Picture] = field(default_factory=dict)
    """Each Picture made, by its units' keys: uses of files with the same bytes share it."""

    def picture(self, use: Use) -> Picture | None:
        """Return the Picture made for ``use``, or None (a remote or broken picture)."""
        return self.pictures.get((use.file, use.focus, use.crop, use.kinds))


def process_images(
    plans: Mapping[str, FilePlan],
    settings: ImageSettings,
    folder: Path,
    base_path: str,
    jobs: int,
    problems: Problems,
    done: Callable[[int], None] | None = None,
) -> Processed:
    """Make what ``plans`` ask that ``folder`` (the cache's) lacks, in up to ``jobs``
    workers; return the Pictures and files, reporting broken pictures in ``problems``.
    Raises OSError when the records cannot be saved."""
    book = RecordBook(folder)
    known: dict[str, UnitResult] = {}
    owner: dict[str, int] = {}  # unit key -> the task making it
    from newsgen.images.workers import FileTask, run_tasks

    tasks: list[FileTask] = []
    for plan in plans.values():
        missing = [unit for unit in _units(plan) if _lacking(unit, book, known, owner)]
        if missing:
            if plan.base.key not in known and plan.base not in missing:
                missing.insert(0, plan.base)  # its crops need the picture decoded anyway
            owner.update((unit.key, len(tasks)) for unit in missing)
            tasks.append(FileTask(plan.source, plan.extension, tuple(missing)))
    outcomes = run_tasks(tasks, settings, folder, jobs, done) if tasks else []
    for outcome in outcomes:
        if not isinstance(outcome, str):
            for result in outcome:
                known[result.key] = result
                book.put(result)
    book.save()
    processed = Processed({}, {}, [], made=len(tasks))
    for plan in plans.values():
        failure = _failure(plan, owner, outcomes)
        if isinstance(failure, str):
            _report(plan, failure, problems)
        else:
            _give_out(plan, known, folder, base_path, processed, problems)
    return processed


def _failure(plan: FilePlan, owner: Mapping[str, int], outcomes: list[Outcome]) -> str | None:
    """Why the file of ``plan`` cannot be published, when a task making it failed."""
    for unit in _units(plan):
        index = owner.get(unit.key)
        if index is not None and isinstance(outcomes[index], str):
            return outcomes[index]  # type: ignore[return-value]
    return None


def _units(plan: FilePlan) -> tuple[Unit, ...]:
    return (plan.base, *plan.crops.values())


def _lacking(
    unit: Unit, book: RecordBook, known: dict[str, UnitResult], owner: dict[str, int]
) -> bool:
    """True when ``unit`` is neither made before (then it is now known) nor being made."""
    if unit.key in known or unit.key in owner:
        return False
    record = book.get(unit.key)
    if record is None:
        return True
    known[unit.key] = record
    return False


def _report(plan: FilePlan, message: str, problems: Problems) -> None:
    if not plan.uses:
        problems.error(plan.file, 0, None, message)
        return
    for use in plan.uses[:MAX_PLACES]:
        shown, line, field = use.where
        problems.error(shown, line, field or None, f"{plan.file} {message}")
    if len(plan.uses) > MAX_PLACES:
        more = len(plan.uses) - MAX_PLACES
        shown, line, field = plan.uses[MAX_PLACES].where
        problems.error(shown, line, field or None, f"{plan.file}: and {more} more uses of it")


def _give_out(
    plan: FilePlan,
    known: Mapping[str, UnitResult],
    folder: Path,
    base_path: str,
    processed: Processed,
    problems: Problems,
) -> None:
    """Add ``plan``'s files and Pictures to ``processed``."""
    base = known[plan.base.key]
    seen = processed.given
    for made in base.files:
        if made.role == "original":
            processed.originals[plan.source] = str(folder / made.name)
    for result in (base, *(known[unit.key] for unit in plan.crops.values())):
        for made in result.files:
            if made.role != "original" and made.name not in seen:
                seen.add(made.name)
                processed.files.append(MadeFile(str(folder / made.name), made.name, plan.file))
    if base.notes and plan.uses:
        shown, line, field = plan.uses[0].where
        for note in base.notes:
            problems.warning(shown, line, field or None, f"{plan.file}: {note}")
    for use in plan.uses:
        crops = plan.crops.get((use.focus, use.crop, use.kinds))
        extra = known[crops.key] if crops is not None else None
        key = (use.file, use.focus, use.crop, use.kinds)
        units = (base.key, extra.key if extra is not None else "")
        picture = processed.shared.get(units)
        if picture is None:
            picture = processed.shared[units] = make_picture(base, extra, base_path)
        processed.pictures[key] = picture


def make_picture(base: UnitResult, crops: UnitResult | None, base_path: str) -> Picture:
    """Return the Picture of a base unit's and crops unit's records."""
    files = [*base.files, *(crops.files if crops else ())]
    key = hashlib.sha256(f"{base.key}\0{crops.key if crops else ''}".encode()).hexdigest()[:24]
    by_role: dict[str, list[Made]] = {}
    for made in files:
        by_role.setdefault(made.role, []).append(made)
    full = by_role.get("full", [])
    shapes = {role: items[0] for role, items in by_role.items()}
    root = base_path.rstrip("/") + "/"
    structured = [shapes[label] for label, _ in STRUCTURED_SHAPES if label in shapes]
    social = shapes.get("social")
    crop_extension = social or (structured[0] if structured else None)
    return Picture(
        key=key,
        width=base.width,
        height=base.height,
        placeholder=base.placeholder,
        copies=root + file_name(base.key, "", "").removesuffix("-."),
        crops=root + file_name(crops.key, "", "").removesuffix("-.") if crops else "",
        widths=_widths(full),
        thumb_widths=_widths(by_role.get("thumb", [])),
        square_widths=_widths(by_role.get("square", [])),
        extensions=tuple(dict.fromkeys(made.extension for made in full))
        or tuple(dict.fromkeys(m.extension for m in files if m.role in ("thumb", "square"))),
        crop_extension=crop_extension.extension if crop_extension else "jpg",
        social_size=(social.width, social.height) if social else None,
        structured_sizes=tuple((made.width, made.height) for made in structured),
        animated=base.frames > 1,
        vector=base.vector,
    )


def _widths(files: list[Made]) -> tuple[int, ...]:
    return tuple(sorted({made.width for made in files}))
