"""Counts in words for every printed line: `count(1, "test site")` is "1 test site",
`count(2, "facility")` "2 facilities". One helper, so that no printer says "1 shifts"."""

from __future__ import annotations


def plural(noun: str) -> str:
    """English plural of the nouns the printers count: -y after a consonant -> -ies."""
    last = noun.rsplit(" ", 1)[-1]
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: float, noun: str, many: str | None = None) -> str:
    """`n` (whole, as counted) and the noun in the number it takes; `many` names an
    irregular plural."""
    whole = round(n)
    return f"{whole} {noun if whole == 1 else many or plural(noun)}"
