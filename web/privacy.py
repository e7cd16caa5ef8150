"""Masking personal contact details before anything is stored (pure).

Owners sometimes type their e-mail address or phone number into a chat. Neither helps the
bureau understand problems, so both are replaced before a question, a vote or a comment is
written anywhere.
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
_D = "[0-9０-９]"
_SEP = r"[-‐－ー―−\s.()（）]?"
_EMAIL = re.compile(r"[\w.+-]+(?:@|＠)[\w-]+(?:\.[\w-]+)+")
# Japanese numbers (03-1234-5678, 090 1234 5678, 0120-123-456), +81 forms, and any run of
# 10–11 digits; short numbers (prices, years, percentages) are left alone.
_PHONE = re.compile(
    rf"(?:\+81{_SEP}{_D}{{1,4}}|[0０]{_D}{{0,4}}){_SEP}{_D}{{1,4}}{_SEP}{_D}{{3,4}}(?!{_D})"
    rf"|(?<!{_D}){_D}{{10,11}}(?!{_D})"
)


def mask(text: str) -> str:
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))
