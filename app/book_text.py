"""Simple formatting for journey book text, safe by construction.

People type plain text. A blank line starts a new paragraph, lines starting with "- " make a list,
``**words**`` are bold and ``_words_`` are in italics. Everything is escaped first, so nothing typed
can become a tag, a link or a script; the only markup in the result is the markup made here.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![\w*])_(?=\S)(.+?)(?<=\S)_(?!\w)")
HELP = "**bold**, _italics_, - a list"


def _inline(text: str) -> str:
    safe = str(escape(text))
    safe = BOLD.sub(r"<strong>\1</strong>", safe)
    return ITALIC.sub(r"<em>\1</em>", safe)


def render(text: str) -> Markup:
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    html = []
    for block in filter(None, (b.strip("\n") for b in blocks)):
        lines = block.split("\n")
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return Markup("".join(html))  # noqa: S704 - every piece of text above was escaped first


def plain(text: str) -> str:
    """The words without the formatting marks, for e-mails, titles and the exported data."""
    return ITALIC.sub(r"\1", BOLD.sub(r"\1", text or ""))
