"""The inputs of a build besides the articles and the config: the theme's templates and
static files, the site's own overriding them file by file."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from newsgen.build.fingerprint import folder_files
from newsgen.errors import NewsgenError, Problems
from newsgen.input_files import (
    file_problem,
    is_ignored_name,
    leads_to_folder,
    read_regular,
    unreadable_message,
)
from newsgen.output.write import Copy


def default_theme() -> Path:
    """Return the folder of the default theme (``templates/`` and ``static/``).

    It ships inside the installed package (built from this repository's
    ``templates/`` and ``static/css/``). Raises NewsgenError when missing.
    """
    packaged = Path(str(resources.files("newsgen"))) / "theme"
    if not (packaged / "templates").is_dir():
        raise NewsgenError(
            f"the default theme is missing from {packaged}; reinstall newsgen (pip install .)"
        )
    return packaged


def static_copies(root: Path, theme: Path, problems: Problems) -> list[Copy]:
    """Return the static files to copy: the theme's, overridden file by file by the site's.

    Links to folders, links that lead out of ``static/`` (they could copy any
    file of the machine into the public site) and files that are not regular
    files are errors, and are left out.

    Each folder is read once with ``os.scandir``, whose entry types are
    trusted: a plain file in a plain folder below ``static/`` lies inside it,
    so only symbolic links and special files take the slower checks of
    file_problem() (a site with a photograph per article has tens of
    thousands of plain files here).
    """
    found: dict[str, Copy] = {}
    for base in (theme / "static", root / "static"):
        if base.is_dir():
            _walk_static(str(base), base.resolve(), "", found, problems)
    return sorted(found.values(), key=lambda copy: copy.path)


def _walk_static(
    folder: str, real_base: Path, relative: str, found: dict[str, Copy], problems: Problems
) -> None:
    """Add the files of ``folder`` (``relative`` below ``static/``) and of the folders in
    it to ``found``; report links to folders and unusable files in ``problems``."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return  # a folder that cannot be listed is skipped, as os.walk does
    for entry in entries:
        if is_ignored_name(entry.name):
            continue
        inner = relative + entry.name
        if entry.is_dir(follow_symlinks=False):
            _walk_static(entry.path, real_base, inner + "/", found, problems)
        elif entry.is_symlink() and leads_to_folder(entry):
            where = "inside" if _inside(Path(entry.path), real_base) else "outside"
            message = f"is a link to a folder {where} static/; copy the files in instead"
            problems.error(f"static/{inner}", 1, None, message)
        elif entry.is_file(follow_symlinks=False):
            found[inner] = Copy(entry.path, inner, f"static/{inner}")
        elif problem := file_problem(Path(entry.path), real_base, "static/"):
            problems.error(f"static/{inner}", 1, None, problem)
        else:  # a link to a file inside static/
            found[inner] = Copy(entry.path, inner, f"static/{inner}")


def _inside(link: Path, real_base: Path) -> bool:
    try:
        return real_base in link.resolve(strict=True).parents
    except (OSError, RuntimeError):  # broken or looping: not inside anything
        return False


def template_dirs(root: Path, theme: Path) -> list[Path]:
    """Return the template folders: the site's ``templates/`` (when it has one), then
    the theme's."""
    own = root / "templates"
    dirs = [own] if own.is_dir() else []
    return [*dirs, theme / "templates"]


def template_bytes(template_dirs: list[Path], problems: Problems) -> list[tuple[str, bytes]]:
    """Return every template file by name with its bytes (for the inputs fingerprint
    and the base key of outputs).

    A template that is not a regular file (a named pipe, a device, a broken
    link) is never read and is an error, as is a folder of the site's own
    with the name of one of the theme's templates: Jinja would pass either
    over and use the theme's template instead. Hidden and temporary files
    (an editor's lock file is a broken link) are fingerprinted, never refused.
    """
    found = []
    for name, path in sorted(folder_files(*template_dirs)):
        try:
            data = read_regular(path)[0]
        except OSError as error:
            data = b"\0missing"
            if not is_ignored_name(path.name):
                problems.error(_shown(name, path, template_dirs), 1, None, _problem(error))
        found.append((name, data))
    if len(template_dirs) > 1:
        _check_own_folders(template_dirs[0], template_dirs[-1], problems)
    return found


def _problem(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "is a broken symbolic link; remove it or restore its target"
    return unreadable_message(error)


def _shown(name: str, path: Path, template_dirs: list[Path]) -> str:
    """Return a template's path as users know it: ``templates/x.html`` for the site's own
    (folder_files() names them ``0:x.html``), the full path for the theme's."""
    number, _, relative = name.partition(":")
    own = len(template_dirs) > 1 and number == "0"
    return f"{template_dirs[0].name}/{relative}" if own else str(path)


def _check_own_folders(own: Path, theme: Path, problems: Problems) -> None:
    """Record an error for each folder under ``own`` that has a theme template's name."""
    for directory, dirnames, _ in os.walk(own):
        for name in dirnames:
            relative = (Path(directory) / name).relative_to(own).as_posix()
            if (theme / relative).is_file():
                problems.error(
                    f"{own.name}/{relative}",
                    1,
                    None,
                    "is a folder, but the theme has a template of that name; a template "
                    "that replaces the theme's must be a file",
                )
