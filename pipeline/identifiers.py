"""Check characters for Chinese identifiers.

* 统一社会信用代码 (unified social credit code, USCC), GB 32100-2015: 18 characters from
  the alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, Z, S, V); each character is
  worth its index in that alphabet; positions 1..17 are weighted 3^(i-1) mod 31; the check
  value is 31 - (sum mod 31), where 31 becomes 0; the 18th character is alphabet[check].
* 居民身份证号 (resident identity card number), GB 11643-1999: 17 digits + a check
  character; weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2; the check character is
  "10X98765432"[sum mod 11]. Positions 7-14 are the birth date YYYYMMDD.

The validators are strict: they take the string exactly as given (no trimming, no case
folding) so that a caller can tell the user precisely what is wrong with a value.
"""

from __future__ import annotations

import datetime as _dt

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_MAP = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are ``first17``.

    Raises ValueError when ``first17`` is not 17 characters of the USCC alphabet.
    """
    if not isinstance(first17, str) or len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {first17!r}")
    total = 0
    for pos, (ch, weight) in enumerate(zip(first17, USCC_WEIGHTS), start=1):
        value = _USCC_VALUE.get(ch)
        if value is None:
            raise ValueError(f"character {ch!r} at position {pos} is not allowed in a USCC (allowed: {USCC_ALPHABET})")
        total += value * weight
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is an 18-character USCC with a correct check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(ch not in _USCC_VALUE for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are ``first17``.

    Raises ValueError when ``first17`` is not 17 ASCII digits.
    """
    if not isinstance(first17, str) or len(first17) != 17 or not all("0" <= c <= "9" for c in first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_MAP[total % 11]


def id_birth_date(s: str) -> _dt.date | None:
    """The birth date encoded in positions 7-14 of an 18-character ID number, or None."""
    if not isinstance(s, str) or len(s) < 14 or not s[6:14].isdigit() or not s[6:14].isascii():
        return None
    try:
        return _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None


def is_valid_id_number(s: str, *, today: _dt.date | None = None) -> bool:
    """True when ``s`` is an 18-character resident ID number: 17 digits and a check
    character (digit or upper-case X) that matches, with a real calendar birth date in
    positions 7-14 that is not after ``today`` (default: the current date)."""
    if not isinstance(s, str) or len(s) != 18:
        return False
    if not all("0" <= c <= "9" for c in s[:17]) or s[17] not in "0123456789X":
        return False
    birth = id_birth_date(s)
    if birth is None or birth > (today or _dt.date.today()):
        return False
    return id_check_char(s[:17]) == s[17]
