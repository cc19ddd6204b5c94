"""newsgen.render.fragments: {% cache %} renders a fragment once per key, and keeps at most KEPT."""

from __future__ import annotations

import jinja2
import pytest

from newsgen.render import fragments
from newsgen.render.fragments import FragmentCache


def environment(**templates: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader(templates), autoescape=True, extensions=[FragmentCache]
    )


def test_a_fragment_is_rendered_once_per_key() -> None:
    calls: list[str] = []

    def shown(name: str) -> str:
        calls.append(name)
        return name

    env = environment(page="{% cache 'card', name %}<b>{{ shown(name) }}</b>{% endcache %}")
    env.globals["shown"] = shown
    page = env.get_template("page")
    assert [page.render(name=n) for n in ("a", "b", "a", "a")] == ["<b>a</b>", "<b>b</b>"] + [
        "<b>a</b>"
    ] * 2
    assert calls == ["a", "b"]


def test_fragments_stay_escaped_markup() -> None:
    env = environment(page="{% cache 'x', 1 %}{{ text }}{% endcache %}|{{ text }}")
    assert env.get_template("page").render(text="<i>") == "&lt;i&gt;|&lt;i&gt;"
    assert env.get_template("page").render(text="other") == "&lt;i&gt;|other"  # same key


def test_an_unhashable_key_is_a_template_error() -> None:
    env = environment(page="{% cache [1] %}x{% endcache %}")
    with pytest.raises(TypeError):
        env.get_template("page").render()


def test_at_most_kept_fragments_are_kept(monkeypatch) -> None:
    monkeypatch.setattr(fragments, "KEPT", 3)
    env = environment(page="{% cache n %}{{ n }}{% endcache %}")
    page = env.get_template("page")
    for n in range(10):
        page.render(n=n)
    page.render(n=7)  # used again: kept longest
    page.render(n=10)
    (cache,) = (ext for ext in env.extensions.values() if isinstance(ext, FragmentCache))
    assert list(cache.fragments) == [(9,), (7,), (10,)]
