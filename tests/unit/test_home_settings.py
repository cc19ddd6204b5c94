"""``home:``, ``favicon``, ``touch_icon``, ``compress`` and section descriptions in
newsgen.yaml: defaults, values, and errors at their line."""

from __future__ import annotations

import pytest

from newsgen.config import load_config
from newsgen.errors import BuildFailed
from newsgen.models import HomeBlockSetting, HomeSettings

MINIMAL = "title: Test Gazette\nbase_url: https://gazette.example.com/\n"


def test_without_home_the_defaults_hold(make_site):
    config = load_config(make_site(config=MINIMAL))
    assert config.home == HomeSettings()
    assert (config.favicon, config.touch_icon, config.compress) == ("", "", False)


def test_every_home_setting_is_read(make_site):
    text = MINIMAL + (
        "home:\n  top: 2\n  latest: 0\n  block_size: 5\n  recent_hours: 12\n"
        "  blocks:\n    - World News\n    - section: local\n      size: 2\n"
    )
    home = load_config(make_site(config=text)).home
    blocks = (HomeBlockSetting("world-news", 5), HomeBlockSetting("local", 2))
    assert home == HomeSettings(top=2, latest=0, block_size=5, blocks=blocks, recent_hours=12)


def test_sections_take_a_description(make_site):
    text = MINIMAL + "sections:\n  - name: world\n    description: ' Far  away. '\n"
    [section] = load_config(make_site(config=text)).sections
    assert section.description == "Far away."


@pytest.mark.parametrize(
    ("yaml", "field", "says"),
    [
        ("home: big", "home", "mapping"),
        ("home:\n  top: -1", "home.top", "from 0 to 50"),
        ("home:\n  top: many", "home.top", "whole number"),
        ("home:\n  block_size: 0", "home.block_size", "from 1 to 50"),
        ("home:\n  recent_hours: true", "home.recent_hours", "whole number"),
        ("home:\n  lates: 3", "home.lates", "did you mean 'latest'"),
        ("home:\n  blocks: world", "home.blocks", "list of sections"),
        ("home:\n  blocks:\n    - size: 3", "home.blocks[0].section", "is required"),
        ("home:\n  blocks:\n    - section: world\n      size: 0", "home.blocks[0].size", "from 1"),
        ("home:\n  blocks:\n    - world\n    - World", "home.blocks[1].section", "once"),
        ("home:\n  blocks:\n    - section: world\n      sise: 2", "home.blocks[0].sise", "size"),
        ("favicon: icon.png", "favicon", "site path"),
        ("favicon: /icon.gif", "favicon", "SVG or PNG or ICO"),
        ("favicon: /missing.svg", "favicon", "names no file in static/"),
        ("touch_icon: /icon.svg", "touch_icon", "PNG"),
        ("compress: yes please", "compress", "true or false"),
        ("sections:\n  - name: world\n    description: [1]", "sections[0].description", "text"),
    ],
)
def test_wrong_settings_are_errors_at_their_line(make_site, yaml, field, says):
    with pytest.raises(BuildFailed) as caught:
        load_config(make_site(config=MINIMAL + yaml + "\n"), static_files=frozenset())
    [problem] = [p for p in caught.value.problems if p.field == field]
    assert says in problem.message and problem.line >= 3


def test_icons_name_files_in_static(make_site):
    text = MINIMAL + "favicon: /icons/site.svg\ntouch_icon: /icons/touch.png\n"
    static = frozenset({"icons/site.svg", "icons/touch.png"})
    config = load_config(make_site(config=text), static_files=static)
    assert (config.favicon, config.touch_icon) == ("/icons/site.svg", "/icons/touch.png")
