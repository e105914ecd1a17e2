"""Numbers as Swedish readers write them, from Babel's CLDR data for the active language's locale (carepay.i18n:
sv_SE, or en_SE for an English report, which CLDR writes with the same separators): a no-break space between
thousands, a decimal comma, a true minus sign, a space before the percent sign, so a figure reads the same in both
versions of a report. Amounts stay numbers in the library; these functions turn them into text only for display, and
every report, index and message uses them.

By what a number means: ``number`` (amounts and counts), ``percent`` (shares 0-1), ``kr`` and ``signed_kr``
(kronor), ``year`` (no thousands separator), ``coefficient`` and ``decimal`` (as many decimals as it has).
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal, get_minus_sign_symbol

from carepay import i18n

NBSP = "\u00a0"
MINUS = get_minus_sign_symbol("sv_SE")  # U+2212, in both languages (en_SE's CLDR minus is the hyphen)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA-like
    except (TypeError, ValueError):
        return False


def number(value: Any, decimals: int = 0) -> str:
    """29439000 -> '29 439 000'; 0.512 with decimals=1 -> '0,5'; -3 -> '−3'; missing -> ''."""
    if _missing(value):
        return ""
    if isinstance(value, (bool, str)):
        return str(value)
    if float(value).is_integer() and not isinstance(value, float):
        decimals = 0
    if math.isinf(float(value)):
        return ("" if float(value) > 0 else MINUS) + "∞"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(value, format=pattern, locale=i18n.locale()).replace("-", MINUS)
    if text.startswith(MINUS) and not any(c in "123456789" for c in text):
        text = text[1:]  # -0,00 reads as a loss; it is nothing
    return text


def decimal(value: Any, most: int = 4) -> str:
    """As many decimals as the value has, up to most: 6.3 -> '6,3', 0.5392 -> '0,5392', 4.0 -> '4'."""
    if _missing(value):
        return ""
    text = number(value, most)
    return text.rstrip("0").rstrip(",") if "," in text else text


def coefficient(value: Any) -> str:
    """A coefficient of a rule: 0,5392, 1,3546 (never rounded to 1)."""
    return decimal(value, 4)


def year(value: Any) -> str:
    """2009 -> '2009' (a year has no thousands separator)."""
    return "" if _missing(value) else str(int(value))


def percent(share: Any, decimals: int = 1) -> str:
    """0.512 -> '51,2 %'."""
    return "" if _missing(share) else f"{number(float(share) * 100, decimals)}{NBSP}%"


def kr(value: Any, decimals: int = 0) -> str:
    """29439000 -> '29 439 000 kr'."""
    return f"{number(value, decimals)}{NBSP}kr"


def signed_kr(value: Any, decimals: int = 0) -> str:
    """A change in kronor with its sign: '+109 134 kr', '−55 716 kr', '0 kr'."""
    text = kr(value, decimals)
    return text if text.startswith(MINUS) or number(value, decimals) == "0" else "+" + text


def mnkr(value: Any, decimals: int = 1) -> str:
    """Kronor shown in millions: 4 620 000 -> '4,6 mnkr'."""
    return f"{number(float(value) / 1e6, decimals)}{NBSP}mnkr"


def readable(text: str) -> str:
    """A code id as words: group_housing -> 'group housing', very_high -> 'very high'; other text as it is."""
    if "_" in text and " " not in text and "/" not in text and "." not in text:
        return text.replace("_", " ")
    return text


def value(item: Any) -> str:
    """A parameter's value as a reader sees it: numbers with a decimal comma (0.52 -> '0,52'), codes as words in the
    report's language (break_even -> 'break even', 'break-even')."""
    if isinstance(item, bool) or item is None:
        return str(item)
    if isinstance(item, (int, float)):
        return decimal(item)
    return i18n.cell(readable(str(item)))
