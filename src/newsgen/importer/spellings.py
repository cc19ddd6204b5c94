"""One spelling for each tag and byline an import writes.

Two names that make one slug share one page (``Instagram`` and ``инстаграм``
are both ``/tags/instagram/``); the build refuses different names there. Old
archives, and pages from several sites, are full of them. Spellings tells,
for each article of an import, which of its tags and bylines the site's
articles, or earlier articles of the same import, write differently, and
rewrites them in the article's front matter that way, with a note, so that
the imported site builds.
No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsgen.importer.front_text import replace_value
from newsgen.importer.imported import Note, NoteKind
from newsgen.models import Article
from newsgen.urls import name_key


@dataclass
class Spellings:
    """The first spelling of each tag and byline slug: the site's own (importer/known.py),
    else this import's first."""

    first: dict[tuple[str, str], str] = field(default_factory=dict)

    def unify(self, text: str, article: Article, line: int, notes: list[Note]) -> str:
        """Return ``text`` (the article ``article`` was loaded from) with each tag and
        byline spelt as this import first spelt its slug."""
        head, sep, body = text.partition("\n---\n")
        for key, names in (("tags", article.tags), ("byline", article.authors)):
            for item in names:
                first = self.first.setdefault((key, item.slug), item.name)
                if name_key(first) == name_key(item.name):
                    continue
                changed = replace_value(head, key, item.name, first)
                if changed != head:
                    head = changed
                    noun = "tag" if key == "tags" else "byline"
                    said = f"{noun} '{item.name}' written '{first}', as another article has it: "
                    notes.append(Note(line, NoteKind.WARNING, said + "they share one page"))
        return head + sep + body
