"""Writing SVG: elements with escaped attributes, short numbers, and the chart colours.

Every chart part is written through `tag`, so attribute values are always escaped;
element content must be escaped by the caller (`esc`), which is where user text enters.
"""

from __future__ import annotations

from markupsafe import escape

# Colours chosen for 3:1 or more against white (WCAG 1.4.11) and told apart by
# colour-blind readers (Okabe-Ito blue and a darkened vermillion; a purple that is
# not confused with either); static/css/charts.css carries the same values by class.
VALUE_COLOUR = "#0072b2"
SIGNAL_COLOUR = "#b85000"
ASTRONOMICAL_COLOUR = "#aa3377"
CENTRE_COLOUR = "#52606d"
LIMIT_COLOUR = "#1f2933"
GOAL_COLOUR = "#007a5a"
NOTE_COLOUR = "#52606d"
GRID_COLOUR = "#e5e8eb"
TEXT_COLOUR = "#1f2933"
MUTED_COLOUR = "#52606d"


def tag(name: str, attrs: dict[str, str], content: str | None = None) -> str:
    """An element; attribute values are escaped here, content must be escaped already."""
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    if content is None:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{content}</{name}>"


def esc(text: str) -> str:
    return str(escape(text))


def truncate(text: str, chars: int) -> str:
    """Cut to `chars` with an ellipsis; done before escaping so no entity is cut."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


def num(value: float) -> str:
    """A coordinate to one decimal, without a trailing .0 or a negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def line(cls: str, d: str, colour: str, dashes: str, width: float) -> str:
    return tag(
        "path",
        {"class": cls, "d": d, "fill": "none", "stroke": colour, "stroke-width": num(width),
         "stroke-dasharray": dashes},
    )  # fmt: skip
