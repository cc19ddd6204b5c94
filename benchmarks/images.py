"""Image benchmark: newsgen's image variants against Hugo's image processing.

``python benchmarks/images.py [--articles 1000] [--size 3000x2000] [--runs 1]``:

1. makes one photograph per article: a distinct JPEG of ``--size`` pixels at
   quality 90 (smooth colour fields and gradients, blurred shapes, film-like
   grain, so it compresses like a photograph: about 1.1-1.4 MB at 3000x2000)
   with EXIF a newsroom would not publish: a GPS position and the camera's
   serial number. The same seed always gives the same bytes;
2. writes the corpus (``corpus.py``) twice as a newsgen site, each article's
   lead image its own photograph in ``static/images/lead/SLUG.jpg``: once with
   newsgen's image defaults (widths 320-1920, AVIF and WebP besides a
   fallback in the original's format, quality 80) and once with
   ``images: {formats: [webp]}``, the widths and formats Hugo makes below;
3. writes the same articles as a Hugo site (``anchors.py``'s layout and
   content), the photographs in ``assets/images/lead/``, whose article page
   calls Hugo's image processing for the lead image: ``.Resize`` to each
   width (none wider than the photograph) in WebP and JPEG at q80, a 1200x630
   social crop (``.Fill``, JPEG) and 3:2 thumbnails of 320 and 640 pixels
   (``.Fill``, WebP and JPEG); ``imaging: {quality: 80, resampleFilter:
   Lanczos}``;
4. measures each in rounds (``--runs``): a cold build (no output, no
   cache: newsgen's ``.newsgen/``, Hugo's ``resources/_gen`` and cache
   folder), then a warm one (nothing changed; caches and output kept), with
   ``measure.py`` (wall, CPU and peak memory of the process tree; this script
   is the subreaper of what it starts, so the CPU time of a fork server's
   workers, which the build never waits for, is counted too);
5. checks reproducibility: one more cold build of the defaults site (fresh
   cache) into a second output folder, every file under ``img/`` compared
   byte for byte with the measured build's;
6. prints the table and appends it to ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import ctypes
import filecmp
import io
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import corpus
from anchors import ANCHORS, ensure_hugo, hugo_article, prepare_hugo, tool_version, write_file
from measure import CommandFailed, Measurement, Summary, descendants, run_measured, summarise
from PIL import ExifTags, ImageChops, ImageDraw, ImageFilter
from PIL import Image as PILImage
from run import BUILD_TIME, RESULTS, environment_lines, find_newsgen, publish_report, reset_site

BUILDS = ("defaults", "webp", "hugo")
"""What is measured: newsgen with its image defaults, newsgen with WebP only, Hugo."""
WIDTHS = (320, 640, 960, 1280, 1920)
"""newsgen's default widths (its ``images: widths``), also Hugo's ``.Resize`` widths."""
WEBP_ONLY = "images:\n  formats: [webp]\n"
"""Appended to ``newsgen.yaml`` for the run with Hugo's formats (WebP besides the fallback)."""
NEWSGEN_VARIANTS = "img"
"""newsgen's image variants land in this folder of the output."""
LEAD = f"images/{corpus.LEAD_FOLDER}"
"""The photographs' folder under ``static/`` (newsgen) and ``assets/`` (Hugo)."""
PHOTO_QUALITY = 90
GRAIN = 10
"""Amplitude of the photographs' grain (0-255): what makes them compress like photographs."""
BASES = 8
"""Expensive backgrounds made once per worker; each photograph is a crop of one, mirrored
or not, with colours of its own and shapes of its own."""

HUGO_LEAD = """\
{{- /* The lead image through Hugo's image processing (benchmarks/images.py). */ -}}
{{ with .Params.images }}{{ $lead := index . 0 }}{{ $src := $lead.src }}
{{ $img := resources.Get (strings.TrimPrefix "/" $src) }}
{{ if not $img }}{{ errorf "lead image %s is not in assets/" $src }}{{ end }}
{{ $webp := slice }}{{ $jpg := slice }}
{{ range $w := slice 320 640 960 1280 1920 }}{{ if le $w $img.Width }}
{{ $small := $img.Resize (printf "%dx webp q80" $w) }}
{{ $webp = $webp | append (printf "%s %dw" $small.RelPermalink $w) }}
{{ $small = $img.Resize (printf "%dx jpg q80" $w) }}
{{ $jpg = $jpg | append (printf "%s %dw" $small.RelPermalink $w) }}
{{ end }}{{ end }}
<figure class="lead"><picture>
<source type="image/webp" srcset="{{ delimit $webp ", " }}">
<img srcset="{{ delimit $jpg ", " }}" alt="{{ $lead.alt }}">
</picture>
<figcaption>{{ $lead.caption }} <span class="credit">{{ $lead.credit }}</span></figcaption>
</figure>
<p class="social">{{ ($img.Fill "1200x630 Center jpg q80").RelPermalink }}</p>
<p class="thumbs">
{{- range slice "320x213" "640x427" }}
{{ ($img.Fill (printf "%s Center webp" .)).RelPermalink }}
{{ ($img.Fill (printf "%s Center jpg" .)).RelPermalink }}
{{- end }}
</p>
{{ end }}
"""
"""The partial that replaces the lead image's plain ``<img>`` in anchors' article layout."""
HUGO_IMAGES_LINE = "{{ range .Params.images }}"
HUGO_IMAGING = "imaging:\n  quality: 80\n  resampleFilter: Lanczos\n"


# --------------------------------------------------------------------------- photographs


def photo_background(index: int, seed: int, size: tuple[int, int]) -> PILImage.Image:
    """Return background ``index``: a little larger than ``size``, so crops of it differ.

    Made at a quarter of the size (a colour field from a few random pixels, a
    gradient of sky, shapes, blurred, with blotchy noise), scaled up smoothly,
    then given fine grain at full size.
    """
    rng = random.Random(f"background-{seed}-{index}")
    width, height = size[0] + size[0] // 8, size[1] + size[1] // 8
    small = (max(8, width // 4), max(8, height // 4))
    field = PILImage.frombytes("RGB", (4, 3), rng.randbytes(36)).resize(
        small, PILImage.Resampling.BICUBIC
    )
    sky = PILImage.new("RGB", small, colour(rng))
    fade = PILImage.linear_gradient("L").resize(small).transpose(PILImage.Transpose.FLIP_TOP_BOTTOM)
    field = PILImage.composite(sky, field, fade)
    draw = ImageDraw.Draw(field)
    for _ in range(rng.randint(8, 16)):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        if rng.random() < 0.5:
            box = (x, y, x + rng.randrange(4, small[0] // 2), y + rng.randrange(4, small[1] // 2))
            draw.ellipse(box, fill=colour(rng))
        else:
            corners = [(rng.randrange(small[0]), rng.randrange(small[1])) for _ in range(5)]
            draw.polygon(corners[: rng.randint(3, 5)], fill=colour(rng))
    field = field.filter(ImageFilter.GaussianBlur(2))
    blotches = PILImage.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    field = ImageChops.add(field, grey_rgb(blotches.point(scale(48))), 1.0, -24)
    big = field.resize((width, height), PILImage.Resampling.BICUBIC)
    grain = PILImage.frombytes("L", (width, height), rng.randbytes(width * height))
    return ImageChops.add(big, grey_rgb(grain.point(scale(GRAIN))), 1.0, -(GRAIN // 2))


def colour(rng: random.Random) -> tuple[int, int, int]:
    """Return a random RGB colour."""
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def scale(top: int) -> list[int]:
    """Return the lookup table that maps 0-255 onto 0-``top``."""
    return [value * top // 255 for value in range(256)]


def grey_rgb(image: PILImage.Image) -> PILImage.Image:
    """Return an ``L`` image as RGB."""
    return PILImage.merge("RGB", (image, image, image))


def photo_exif(index: int, rng: random.Random) -> PILImage.Exif:
    """Return EXIF a newsroom strips before publishing: camera, serial number, GPS position."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "Benchmark Optics"
    exif[ExifTags.Base.Model] = "BX-1"
    exif[ExifTags.Base.Software] = "newsgen benchmarks/images.py"
    camera = exif.get_ifd(ExifTags.IFD.Exif)
    camera[ExifTags.Base.BodySerialNumber] = f"BENCH-BX1-{rng.randrange(10**8):08d}"
    taken = f"2024:{index % 12 + 1:02d}:{index % 28 + 1:02d} 10:00:00"
    camera[ExifTags.Base.DateTimeOriginal] = taken
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (float(rng.randrange(35, 60)), float(rng.randrange(60)), 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (float(rng.randrange(10)), float(rng.randrange(60)), 39.0)
    return exif


def make_photo(index: int, seed: int, size: tuple[int, int], backgrounds: Sequence) -> bytes:
    """Return photograph ``index`` as JPEG bytes (the same arguments, the same bytes)."""
    rng = random.Random(seed * 1_000_003 + index)
    background = backgrounds[index % len(backgrounds)]
    width, height = size
    x = rng.randrange(background.width - width + 1)
    y = rng.randrange(background.height - height + 1)
    image = background.crop((x, y, x + width, y + height))
    if rng.random() < 0.5:
        image = image.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    table: list[int] = []
    for _ in range(3):  # a colour cast of its own
        gain, offset = rng.uniform(0.75, 1.15), rng.randint(-25, 25)
        table += [min(255, max(0, int(value * gain + offset))) for value in range(256)]
    image = image.point(table)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 8)):
        x, y = rng.randrange(width), rng.randrange(height)
        reach = max(8, min(width, height) // 3)
        draw.ellipse(
            (x, y, x + rng.randrange(4, reach), y + rng.randrange(4, reach)), fill=colour(rng)
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=PHOTO_QUALITY, exif=photo_exif(index, rng))
    return out.getvalue()


_WORKER: dict[str, object] = {}
"""One photo worker's backgrounds and settings (set by _start_worker)."""


def _start_worker(seed: int, size: tuple[int, int]) -> None:
    _WORKER.update(
        seed=seed,
        size=size,
        backgrounds=[photo_background(k, seed, size) for k in range(BASES)],
    )


def _write_photo(job: tuple[int, str]) -> int:
    index, path = job
    data = make_photo(index, _WORKER["seed"], _WORKER["size"], _WORKER["backgrounds"])  # type: ignore[arg-type]
    Path(path).write_bytes(data)
    return len(data)


def write_photos(folder: Path, slugs: Sequence[str], seed: int, size: tuple[int, int]) -> int:
    """Write ``SLUG.jpg`` for every slug into ``folder`` on every core; return bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(index, str(folder / f"{slug}.jpg")) for index, slug in enumerate(slugs)]
    processes = min(os.cpu_count() or 1, max(1, len(jobs) // BASES))
    with multiprocessing.Pool(processes, _start_worker, (seed, size)) as pool:
        return sum(pool.imap_unordered(_write_photo, jobs, chunksize=8))


def link_tree(source: Path, target: Path) -> None:
    """Fill ``target`` with hard links to the files of ``source`` (copies across devices)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copyfile(path, target / path.name)


# --------------------------------------------------------------------------- sites


def with_jpeg_lead(article: corpus.Article) -> corpus.Article:
    """Return ``article`` with its lead image ``/images/lead/SLUG.jpg`` (corpus.py: ``.png``)."""
    lead = replace(article.images[0], src=f"/{LEAD}/{article.slug}.jpg")
    return replace(article, images=(lead, *article.images[1:]))


def write_newsgen_site(
    site: Path, articles: Sequence[corpus.Article], photos: Path, seed: int, extra_config: str
) -> None:
    """Write the corpus as a newsgen site whose lead images are the photographs."""
    corpus.write_site(site, len(articles), seed)
    for png in (site / "static" / LEAD).glob("*.png"):
        png.unlink()
    for article in articles:
        text = corpus.front_matter(article) + article.body
        (site / "content" / article.path).write_bytes(text.encode("utf-8"))
    link_tree(photos, site / "static" / LEAD)
    if extra_config:
        with (site / "newsgen.yaml").open("a", encoding="utf-8") as config:
            config.write(extra_config)


def write_hugo_site(site: Path, articles: Sequence[corpus.Article], photos: Path) -> None:
    """Write the articles as anchors.py's Hugo site, the lead images processed by Hugo."""
    prepare_hugo(site)
    layout = site / "layouts" / "_default" / "single.html"
    text = layout.read_text(encoding="utf-8")
    if text.count(HUGO_IMAGES_LINE) != 1:
        raise SystemExit(f"{ANCHORS / 'hugo'}: single.html has no {HUGO_IMAGES_LINE!r} to replace")
    text = text.replace(
        HUGO_IMAGES_LINE, '{{ partial "lead.html" . }}\n{{ range after 1 .Params.images }}'
    )
    layout.write_text(text, encoding="utf-8")
    write_file(site / "layouts" / "partials" / "lead.html", HUGO_LEAD)
    with (site / "config.yaml").open("a", encoding="utf-8") as config:
        config.write(HUGO_IMAGING)
    shared = site / "static" / "images"
    shared.mkdir(parents=True, exist_ok=True)
    for name, data in corpus.image_files().items():
        (shared / name).write_bytes(data)
    link_tree(photos, site / "assets" / LEAD)
    for article in articles:
        write_file(site / "content" / article.path, hugo_article(article))


# --------------------------------------------------------------------------- builds


@dataclass(slots=True)
class Tool:
    """One of the three builds measured: its command, state and figures."""

    kind: str
    """defaults, webp or hugo (``--builds``)."""
    name: str
    site: Path
    output: Path
    command: list[str]
    state: tuple[Path, ...]
    """Removed before a cold build: the output and every cache."""
    variants: Path
    """The folder of the output that holds the image variants."""
    env: dict[str, str]
    cold: list[Measurement] = field(default_factory=list)
    warm: list[Measurement] = field(default_factory=list)
    failure: str = ""
    rewritten: int | None = None
    """Variant files the last warm build wrote again (changed inode, time or size)."""
    count: int = 0
    """Variant files after the last build."""
    stock: str = ""
    """What take_stock() found, a line of the report."""

    def build(self) -> Measurement:
        """Build as things are and measure (raises CommandFailed)."""
        return measured_build(self.command, self.site, self.env)

    def reset(self) -> None:
        """Remove the output and every cache."""
        for path in self.state:
            if path.exists():
                shutil.rmtree(path)
        for leftover in self.output.parent.glob(f".newsgen-staging-{self.output.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def newsgen_tool(kind: str, name: str, newsgen: Path, site: Path, extra: Sequence[str]) -> Tool:
    """Return a newsgen build of ``site`` into ``site/public``."""
    output = site / "public"
    return Tool(
        kind,
        name,
        site,
        output,
        newsgen_command(newsgen, site, output, extra),
        (output, site / f".newsgen-spare-{output.name}", site / ".newsgen"),
        output / NEWSGEN_VARIANTS,
        {**os.environ, "SOURCE_DATE_EPOCH": BUILD_TIME},
    )


def newsgen_command(newsgen: Path, site: Path, output: Path, extra: Sequence[str]) -> list[str]:
    """Return the ``newsgen build`` command line."""
    return [str(newsgen), "build", "--source", str(site), "--output", str(output), *extra]


def hugo_tool(hugo: Path, site: Path, jobs: int | None) -> Tool:
    """Return a Hugo build of ``site``; ``resources/`` holds its processed images (its cache)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_TIME}
    if jobs is not None:
        env["GOMAXPROCS"] = str(jobs)
    return Tool(
        "hugo",
        "Hugo",
        site,
        site / "public",
        [
            str(hugo),
            "--quiet",
            "--source",
            str(site),
            "--destination",
            str(site / "public"),
            "--cacheDir",
            str(site / ".hugo-cache"),
        ],
        (site / "public", site / "resources", site / ".hugo-cache"),
        site / "public" / LEAD,
        env,
    )


@dataclass(slots=True)
class Orphans:
    """Processes builds left behind, reaped by this script (see measured_build())."""

    adopted: bool = False
    """Whether this process is its descendants' subreaper."""
    reaped: int = 0
    cpu: float = 0.0
    tail: float = 0.0
    """The longest time one outlived its build, in seconds."""
    left: list[int] = field(default_factory=list)
    """Any still running ORPHAN_WAIT seconds after their build ended."""


ORPHANS = Orphans()
ORPHAN_WAIT = 60.0
PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> bool:
    """Make this process the subreaper of everything it starts (Linux ``prctl``).

    A process pool's fork server is started by the build but never waited for:
    when the build exits it is reparented, and its CPU time, with that of the
    image workers it forked and reaped, never reaches the build's ``wait4``
    (measure.py). As their subreaper this script gets them back and reaps them.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ORPHANS.adopted = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        ORPHANS.adopted = False
    return ORPHANS.adopted


def reap_orphans() -> float:
    """Wait for the processes the last build left behind; return their CPU seconds."""
    cpu, started = 0.0, time.monotonic()
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break  # none left
        if pid:
            cpu += usage.ru_utime + usage.ru_stime
            ORPHANS.reaped += 1
            ORPHANS.tail = max(ORPHANS.tail, time.monotonic() - started)
        elif time.monotonic() - started > ORPHAN_WAIT:
            ORPHANS.left.extend(child for child in descendants(os.getpid()) if child != os.getpid())
            break
        else:
            time.sleep(0.01)
    ORPHANS.cpu += cpu
    return cpu


def measured_build(command: Sequence[str], site: Path, env: dict[str, str]) -> Measurement:
    """Run and measure one build (raises CommandFailed), its orphans' CPU time added.

    Dirty pages are written out first (``os.sync()``, unmeasured), so that no
    build pays for writing back the photographs or another build's output.
    """
    os.sync()
    try:
        measurement = run_measured(command, cwd=site, env=env)
    finally:
        orphans_cpu = reap_orphans()
    return replace(measurement, cpu=measurement.cpu + orphans_cpu)


def files_under(folder: Path) -> Iterator[Path]:
    """Yield every file below ``folder`` (none when it is missing)."""
    if folder.is_dir():
        yield from (path for path in folder.rglob("*") if path.is_file())


def snapshot(folder: Path) -> dict[Path, tuple[int, int, int]]:
    """Return each file's inode, modification time and size, by path."""
    found = {}
    for path in files_under(folder):
        stat = path.stat()
        found[path.relative_to(folder)] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


def run_rounds(tools: Sequence[Tool], runs: int, verbose: bool) -> None:
    """Measure a cold then a warm build of every tool, in ``runs`` alternating rounds."""
    for number in range(1, runs + 1):
        print(f"Round {number} of {runs}", flush=True)
        for tool in tools:
            if tool.failure:
                continue
            try:
                tool.reset()
                tool.cold.append(show(f"{tool.name} cold", tool.build(), verbose))
                before = snapshot(tool.variants)
                tool.warm.append(show(f"{tool.name} warm", tool.build(), verbose))
                after = snapshot(tool.variants)
            except CommandFailed as failed:
                tool.failure = first_error(str(failed))
                print(f"  {tool.name}: build failed: {tool.failure}", flush=True)
                continue
            tool.rewritten = sum(1 for path, seen in after.items() if before.get(path) != seen)


def show(name: str, m: Measurement, verbose: bool) -> Measurement:
    """Print ``m`` (unless quiet) and return it."""
    if verbose:
        print(
            f"  {name:28} {m.wall:8.2f} s wall {m.cpu:8.2f} s CPU {m.peak_mb:7.0f} MB", flush=True
        )
    return m


def first_error(text: str) -> str:
    """Return the line of a failed build's output that says why (its first, not a summary)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if " exited with " not in line] or lines
    causes = [line for line in lines if not line.lower().startswith(("build failed", "total in"))]
    return (causes or lines or ["?"])[0][:300]


EXIF_MARKERS = (b"Benchmark Optics", b"BENCH-BX1-")
"""Bytes of the photographs' EXIF (make, serial number) that no published file should hold."""


def inventory(folder: Path) -> tuple[Counter[str], int, int]:
    """Return the files under ``folder`` by format (suffix), how many hold EXIF_MARKERS,
    and how many there are."""
    formats: Counter[str] = Counter()
    leaks = total = 0
    for path in files_under(folder):
        formats[path.suffix.lstrip(".").lower() or "?"] += 1
        data = path.read_bytes()
        leaks += any(marker in data for marker in EXIF_MARKERS)
        total += 1
    return formats, leaks, total


def take_stock(tool: Tool) -> None:
    """Count ``tool``'s variant files by format and look for the photographs' EXIF in them
    (and, for newsgen, in the photographs it publishes)."""
    if not tool.cold:
        return
    formats, leaks, tool.count = inventory(tool.variants)
    shown = ", ".join(f"{name} {count:,}" for name, count in sorted(formats.items()))
    tool.stock = (
        f"- {tool.name}: variant files {shown or 'none'}; "
        f"{leaks:,} of {tool.count:,} hold the photographs' EXIF (camera make or serial)"
    )
    if tool.rewritten is not None:
        tool.stock += f"; the warm build wrote {tool.rewritten:,} of them again"
    originals = tool.output / LEAD
    if tool.kind != "hugo" and originals.is_dir():
        _, leaks, total = inventory(originals)
        tool.stock += f"; `public/{LEAD}/` holds {total:,} files, {leaks:,} with that EXIF"


def image_lines(output: str) -> list[str]:
    """Return what a build printed about images (its image stage, if it reports one)."""
    found = re.compile(r"image|img|picture", re.IGNORECASE)
    return [line.strip() for line in output.splitlines() if found.search(line)]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two trees of variant files compared byte for byte."""

    identical: int
    differing: list[str]
    only_one: list[str]


def compare_trees(first: Path, second: Path) -> Comparison:
    """Compare every file under ``first`` with the same path under ``second``, byte for byte."""
    left = {path.relative_to(first) for path in files_under(first)}
    right = {path.relative_to(second) for path in files_under(second)}
    identical, differing = 0, []
    for path in sorted(left & right):
        if filecmp.cmp(first / path, second / path, shallow=False):
            identical += 1
        else:
            differing.append(str(path))
    return Comparison(identical, differing, sorted(str(path) for path in left ^ right))


def reproducibility(tool: Tool, newsgen: Path, extra: Sequence[str], verbose: bool) -> Comparison:
    """Build ``tool``'s site again from a fresh cache into a second output; compare variants."""
    second = tool.site / "public-repro"
    reset_site(tool.site, second)  # removes .newsgen/ as well: a fresh cache
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_TIME}
    show(
        f"{tool.name} cold again",
        measured_build(newsgen_command(newsgen, tool.site, second, extra), tool.site, env),
        verbose,
    )
    return compare_trees(tool.variants, second / NEWSGEN_VARIANTS)


# --------------------------------------------------------------------------- report


def cell(summary: Summary | None, attribute: str, digits: int) -> str:
    """Return one figure of a summary, with the range of wall times for several runs."""
    if summary is None:
        return ""
    value = f"{getattr(summary, attribute):.{digits}f}"
    if attribute == "wall" and summary.runs > 1:
        value += f" ({summary.wall_min:.{digits}f}–{summary.wall_max:.{digits}f})"
    return value


def report_table(tools: Sequence[Tool]) -> str:
    """Return the Markdown table, a row per build."""
    lines = [
        "| build | cold wall s | cold CPU s | cold peak MB | warm wall s | warm peak MB "
        "| variant files |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in tools:
        cold = summarise(tool.cold) if tool.cold else None
        warm = summarise(tool.warm) if tool.warm else None
        name = tool.name + (f" (failed: {tool.failure})" if tool.failure else "")
        lines.append(
            f"| {name} | {cell(cold, 'wall', 2)} | {cell(cold, 'cpu', 2)} | "
            f"{cell(cold, 'peak_mb', 0)} | {cell(warm, 'wall', 2)} | {cell(warm, 'peak_mb', 0)} | "
            f"{tool.count:,} |"
        )
    return "\n".join(lines)


def verdicts(tools: Sequence[Tool], repro: Comparison | None) -> list[str]:
    """Return the issue's targets with their verdicts, and what else the runs showed."""
    by_kind = {tool.kind: tool for tool in tools}
    webp, hugo = by_kind.get("webp"), by_kind.get("hugo")
    lines = []
    if webp and hugo and webp.cold and hugo.cold:
        ratio = summarise(webp.cold).wall / summarise(hugo.cold).wall
        lines.append(
            f"- newsgen (WebP only) cold ÷ Hugo cold = {ratio:.2f}, whole builds "
            f"(target: newsgen's image time no slower than Hugo's, ≤ 1) "
            f"{'✓' if ratio <= 1 else '✗'}"
        )
    lines += [tool.stock for tool in tools if tool.stock]
    for tool in tools:
        said = image_lines(tool.cold[-1].output) if tool.cold else []
        if said:
            lines.append(f"- {tool.name}, cold build said: " + " / ".join(f"`{s}`" for s in said))
        said = image_lines(tool.warm[-1].output) if tool.warm else []
        if said:
            lines.append(f"- {tool.name}, warm build said: " + " / ".join(f"`{s}`" for s in said))
    if ORPHANS.reaped:
        lines.append(
            f"- CPU s counts the processes builds left running when they exited (a process "
            f"pool's fork server and the image workers it forked): {ORPHANS.reaped:,} reaped by "
            f"this script as their subreaper, {ORPHANS.cpu:,.1f} s of CPU in all, the last "
            f"{ORPHANS.tail:.2f} s after its build ended"
        )
    elif not ORPHANS.adopted:
        lines.append("- not a subreaper (prctl failed): CPU s may miss a fork server's workers")
    if ORPHANS.left:
        lines.append(f"- still running {ORPHAN_WAIT:g} s after their build: pids {ORPHANS.left}")
    if repro is not None:
        total = repro.identical + len(repro.differing)
        lines.append(
            f"- reproducible: a second cold build of the defaults site (fresh cache, another "
            f"output folder): {repro.identical:,} of {total:,} variant files byte-identical, "
            f"{len(repro.differing):,} differing, {len(repro.only_one):,} in only one build "
            f"{'✓' if total and not repro.differing and not repro.only_one else '✗'}"
        )
        for path in (repro.differing + repro.only_one)[:5]:
            lines.append(f"  - e.g. `{path}`")
    return lines


def pillow_versions(newsgen: Path) -> str:
    """Return the Pillow beside ``newsgen`` (the one its builds use) and this script's."""
    import PIL

    python = newsgen.parent / "python"
    theirs = "?"
    if python.exists():
        done = subprocess.run(
            [str(python), "-c", "import PIL; print(PIL.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        )
        theirs = done.stdout.strip() or "not installed"
    return f"Pillow {theirs} (newsgen's), {PIL.__version__} (photographs)"


def cpu_model() -> str:
    """Return the processor's model name from ``/proc/cpuinfo``."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


# --------------------------------------------------------------------------- main


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``WxH``."""
    match = re.fullmatch(r"(\d+)[x×](\d+)", text.strip())
    if not match or min(int(match[1]), int(match[2])) < 16:
        raise argparse.ArgumentTypeError(f"{text!r} is no size like 3000x2000")
    return int(match[1]), int(match[2])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument(
        "--size", type=parse_size, default=(3000, 2000), help="photographs' size (3000x2000)"
    )
    parser.add_argument("--runs", type=int, default=1, help="rounds of cold + warm (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and photographs' seed (1)")
    parser.add_argument("--newsgen", type=Path, default=None, help="the newsgen command to run")
    parser.add_argument(
        "--jobs", type=int, help="newsgen build --jobs N, and GOMAXPROCS=N for Hugo"
    )
    parser.add_argument(
        "--builds",
        default=",".join(BUILDS),
        help=f"which builds to measure (default {','.join(BUILDS)})",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where to put temporary sites")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to append to")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--quiet", action="store_true", help="do not print every build")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.articles < 1:
        parser.error("--runs and --articles must be at least 1")
    args.builds = [name.strip() for name in args.builds.split(",") if name.strip()]
    if not args.builds or not set(args.builds) <= set(BUILDS):
        parser.error(f"--builds takes some of {', '.join(BUILDS)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Make the photographs and sites, measure the three builds, report and append."""
    args = parse_args(argv)
    newsgen = (args.newsgen or find_newsgen()).resolve()
    hugo = ensure_hugo()
    adopt_orphans()
    extra = ["--jobs", str(args.jobs)] if args.jobs is not None else []
    verbose = not args.quiet
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"newsgen-images-{args.articles}-", dir=args.workdir))
    try:
        started = time.perf_counter()
        articles = [with_jpeg_lead(a) for a in corpus.generate(args.articles, args.seed)]
        photos = root / "photos"
        written = write_photos(photos, [a.slug for a in articles], args.seed, args.size)
        width, height = args.size
        took = time.perf_counter() - started
        print(
            f"{args.articles:,} photographs of {width}x{height} ({written / 1e6:,.0f} MB, "
            f"{written / args.articles / 1e6:.2f} MB each) in {took:.1f} s",
            flush=True,
        )
        started = time.perf_counter()
        tools = []
        if "defaults" in args.builds:
            write_newsgen_site(root / "newsgen", articles, photos, args.seed, "")
            name = "newsgen, defaults (AVIF + WebP)"
            tools.append(newsgen_tool("defaults", name, newsgen, root / "newsgen", extra))
        if "webp" in args.builds:
            write_newsgen_site(root / "newsgen-webp", articles, photos, args.seed, WEBP_ONLY)
            name = "newsgen, `formats: [webp]`"
            tools.append(newsgen_tool("webp", name, newsgen, root / "newsgen-webp", extra))
        if "hugo" in args.builds:
            write_hugo_site(root / "hugo", articles, photos)
            tools.append(hugo_tool(hugo, root / "hugo", args.jobs))
        print(f"Sites written in {time.perf_counter() - started:.1f} s", flush=True)
        run_rounds(tools, args.runs, verbose)
        for tool in tools:
            take_stock(tool)
            if tool.kind != "defaults" and not args.keep:
                shutil.rmtree(tool.site)  # disk space for the reproducibility build
        repro = None
        if tools[0].kind == "defaults" and not tools[0].failure:
            print("Reproducibility: the defaults site built again from a fresh cache", flush=True)
            try:
                repro = reproducibility(tools[0], newsgen, extra, verbose)
            except CommandFailed as failed:
                print(f"  build failed: {first_error(str(failed))}", flush=True)
        table = report_table(tools)
        notes = verdicts(tools, repro)
    finally:
        if args.keep:
            print(f"Sites kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    runs = f"median of {args.runs} rounds" if args.runs > 1 else "one round"
    report = "\n".join(
        [
            f"## Images: {args.articles:,} articles, a {width}x{height} photograph each",
            "",
            *environment_lines(newsgen, extra),
            f"- CPU: {cpu_model()}; {tool_version([str(hugo), 'version'])}; "
            f"{pillow_versions(newsgen)}",
            f"- photographs: JPEG q{PHOTO_QUALITY}, {written / args.articles / 1e6:.2f} MB each "
            "on average, with EXIF (GPS, camera serial); seed "
            f"{args.seed}",
            f"- figures: {runs}, each a cold build (no output, no cache) then a warm one "
            "(nothing changed); peak MB = peak summed RSS of the build's process tree; "
            f"variant files: newsgen's under `public/{NEWSGEN_VARIANTS}/`, Hugo's under "
            f"`public/{LEAD}/`; Hugo: `.Resize` {', '.join(map(str, WIDTHS))} in WebP and JPEG "
            "q80, `.Fill` 1200x630 JPEG and 320x213, 640x427 in WebP and JPEG",
            "",
            table,
            "",
            *notes,
            "",
        ]
    )
    return publish_report(report, args.results)


if __name__ == "__main__":
    sys.exit(main())
