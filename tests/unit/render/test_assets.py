"""render/assets.py and icons.py: hashed stylesheets and scripts, drawn icons."""

from __future__ import annotations

import io

from PIL import Image
from unit_helpers import make_config

from newsgen.render.assets import asset_urls, find_assets
from newsgen.render.icons import drawn_icons, favicon_svg, initials


def test_stylesheets_and_scripts_get_hashed_names_and_the_site_wins(tmp_path):
    site, theme = tmp_path / "site" / "static", tmp_path / "theme" / "static"
    for root, css in ((theme, "a{}"), (site, "b{}")):
        (root / "css").mkdir(parents=True)
        (root / "css" / "newsgen.css").write_text(css)
    (theme / "css" / "print.css").write_text("p{}")
    (theme / "css" / "notes.txt").write_text("not an asset")
    assets = find_assets([site, theme])
    assert sorted(assets) == ["css/newsgen.css", "css/print.css"]
    assert assets["css/newsgen.css"].data == b"b{}"
    urls = asset_urls(assets)
    assert urls["css/newsgen.css"].startswith("css/newsgen.") and urls["css/newsgen.css"] != urls[
        "css/print.css"
    ]
    (site / "css" / "newsgen.css").write_text("c{}")
    assert asset_urls(find_assets([site, theme]))["css/newsgen.css"] != urls["css/newsgen.css"]


def test_a_script_imports_the_hashed_name_of_the_script_it_imports(tmp_path):
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (js / "engine.js").write_text("export const x = 1;\n")
    (js / "page.js").write_text('import { x } from "./engine.js";\nconsole.log(x);\n')
    assets = find_assets([tmp_path / "static"])
    engine = assets["js/engine.js"].hashed.split("/")[-1]
    assert f'from "./{engine}"' in assets["js/page.js"].data.decode()
    (js / "engine.js").write_text("export const x = 2;\n")
    again = find_assets([tmp_path / "static"])
    assert again["js/page.js"].hashed != assets["js/page.js"].hashed  # its import changed


def test_initials():
    assert initials("The Eastmere Courier") == "EC"
    assert initials("Zeit") == "Z"
    assert initials("The Times") == "T"
    assert initials("  ") == "N"
    assert initials("<Evil> & Co") == "C"  # words starting with a letter or digit only


def test_drawn_icons_are_an_svg_and_a_180_pixel_png():
    icons = drawn_icons(make_config(title="Test Gazette"))
    assert b">TG</text>" in icons["favicon.svg"]
    with Image.open(io.BytesIO(icons["apple-touch-icon.png"])) as png:
        assert png.size == (180, 180) and png.format == "PNG"
    assert drawn_icons(make_config(favicon="/f.svg", touch_icon="/t.png")) == {}
    assert b"&amp;" in favicon_svg("A&")
