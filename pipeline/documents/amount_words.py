"""Money amounts in words, Chinese (大写金额) and English, for settlement statements.

Written by hand because the common libraries truncate instead of rounding and get the
People's Bank of China zero rules wrong. Every amount is rounded half-up to the fen
first, so the words always agree with the figures printed beside them.

The parsers accept only the exact form the writers produce: they exist so tests can
prove the words carry the amount, and a lenient parser would hide writer bugs.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

__all__ = [
    "MAX_AMOUNT",
    "chinese_uppercase",
    "english_words",
    "parse_chinese_uppercase",
    "parse_english_words",
    "round_fen",
]

FEN = Decimal("0.01")
# 万亿 is the largest unit we write; one more digit would need 亿亿 or 兆, which banks avoid.
MAX_AMOUNT = Decimal("9999999999999.99")
_MAX_FEN = 999999999999999

_CHINESE_CURRENCY = {"CNY": "人民币", "USD": "美元", "HKD": "港币", "EUR": "欧元"}
_ENGLISH_CURRENCY = {"CNY": "RMB", "USD": "USD", "HKD": "HKD", "EUR": "EUR"}

_CHINESE_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CHINESE_DIGIT_VALUE = {ch: value for value, ch in enumerate(_CHINESE_DIGITS)}
_CHINESE_SMALL_UNITS = {"仟": 1000, "佰": 100, "拾": 10}

_ENGLISH_ONES = (
    "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN "
    "FOURTEEN FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN"
).split()
_ENGLISH_TENS = "_ _ TWENTY THIRTY FORTY FIFTY SIXTY SEVENTY EIGHTY NINETY".split()
_ENGLISH_SCALES = ("", "THOUSAND", "MILLION", "BILLION", "TRILLION")
_ENGLISH_WORD_VALUE = {word: value for value, word in enumerate(_ENGLISH_ONES)}
_ENGLISH_WORD_VALUE.update({word: 10 * i for i, word in enumerate(_ENGLISH_TENS) if i >= 2})
_ENGLISH_SCALE_VALUE = {word: 1000**i for i, word in enumerate(_ENGLISH_SCALES) if word}


# --- amounts ------------------------------------------------------------------------


def round_fen(amount: Decimal | int | str) -> Decimal:
    """Round half-up to the fen, independent of the caller's decimal context.

    The ambient context may have been narrowed elsewhere (low precision, ROUND_DOWN);
    a statement must not change because of that, so an explicit context is used.
    """
    value = _as_decimal(amount)
    context = Context(
        prec=max(28, value.adjusted() + 3),
        rounding=ROUND_HALF_UP,
        Emax=MAX_EMAX,
        Emin=MIN_EMIN,
    )
    return value.quantize(FEN, context=context)


def _as_decimal(amount: object) -> Decimal:
    """Floats are refused because 2.675 as a float is already 2.67499…: not money."""
    if isinstance(amount, (bool, float)):
        raise TypeError(f"amount must be Decimal, int or str, not {type(amount).__name__}")
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"not a decimal amount: {amount!r}") from None
    else:
        raise TypeError(f"amount must be Decimal, int or str, not {type(amount).__name__}")
    if not value.is_finite():
        raise ValueError(f"amount must be finite: {amount!r}")
    return value


def _amount_in_fen(amount: object) -> int:
    """Signs are shown separately on statements, so only 0…MAX_AMOUNT is writable."""
    value = _as_decimal(amount)
    if value < 0:
        raise ValueError(f"negative amount: {amount!r}")
    rounded = round_fen(value)
    if rounded > MAX_AMOUNT:
        raise ValueError(f"amount above {MAX_AMOUNT}: {amount!r}")
    # quantize fixed the exponent at -2, so the coefficient digits are the fen.
    return int("".join(map(str, rounded.as_tuple().digits)))


def _decimal_from_fen(fen: int) -> Decimal:
    """Built from digits so no context precision can round it."""
    if fen > _MAX_FEN:
        raise ValueError(f"amount above {MAX_AMOUNT}")
    return Decimal((0, tuple(int(d) for d in str(fen)), -2))


def _lookup_currency(table: dict[str, str], currency: str) -> str:
    try:
        return table[currency]
    except (KeyError, TypeError):
        raise ValueError(f"unknown currency {currency!r}; expected one of {sorted(table)}") from None


# --- Chinese ------------------------------------------------------------------------


def chinese_uppercase(amount: Decimal | int | str, currency: str = "CNY") -> str:
    """大写金额 as the PBOC rules require on 票据 and 结算凭证."""
    fen = _amount_in_fen(amount)
    prefix = _lookup_currency(_CHINESE_CURRENCY, currency)
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    return prefix + _chinese_body(yuan, jiao, fen_digit)


def _chinese_body(yuan: int, jiao: int, fen: int) -> str:
    if yuan == jiao == fen == 0:
        return "零元整"
    integer = _chinese_integer(yuan) + "元" if yuan else ""
    if jiao == fen == 0:
        return integer + "整"  # 整 only after 元; after 角 or 分 it is left out
    return integer + _chinese_zero_after_yuan(yuan, jiao) + _chinese_fraction(jiao, fen)


def _chinese_zero_after_yuan(yuan: int, jiao: int) -> str:
    """A 零 keeps 元 from running straight into a lower unit across a gap.

    PBOC makes it optional when the 元 digit is 0 and 角 is not; we always write it
    (壹拾元零伍角). It is mandatory when 角 is 0 and 分 is not (壹元零伍分).
    """
    if yuan and (jiao == 0 or yuan % 10 == 0):
        return "零"
    return ""


def _chinese_fraction(jiao: int, fen: int) -> str:
    words = _CHINESE_DIGITS[jiao] + "角" if jiao else ""
    return words + (_CHINESE_DIGITS[fen] + "分" if fen else "")


def _chinese_integer(n: int, wan_is_wanyi: bool = False) -> str:
    """Groups of four under 万 and 亿; the 亿 count may itself use 万 (壹万亿).

    Zeros at the tail of a group are absorbed by the group unit (壹拾万柒仟); zeros at
    the head of the following group, however many and across empty groups, become one
    零 (壹佰万零壹, 壹亿零壹). PBOC rule 四.3 lets a writer leave the 零 out only where
    the 万 or 元 digit is 0; elsewhere a 0 inside the number is written (rule 四.1), so an
    empty 亿 or 万亿 digit is followed by 零: 壹拾亿零壹仟壹佰零壹万…, 壹拾万零壹仟亿.
    `wan_is_wanyi`: `n` counts 亿, so its 万 digit is the amount's 万亿 digit.
    """
    if n >= 10**8:
        high, low = divmod(n, 10**8)
        head = _chinese_integer(high, wan_is_wanyi=True) + "亿"
        if low == 0:
            return head
        return head + ("零" if low < 10**7 or high % 10 == 0 else "") + _chinese_integer(low)
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        head = _chinese_section(high) + "万"
        if low == 0:
            return head
        zero = low < 10**3 or (wan_is_wanyi and high % 10 == 0)
        return head + ("零" if zero else "") + _chinese_section(low)
    return _chinese_section(n)


def _chinese_section(n: int) -> str:
    """1…9999 with 仟佰拾; 壹拾 is always written in full so 拾 cannot be altered to 佰."""
    words = []
    pending_zero = False
    for unit_value, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(_CHINESE_DIGITS[digit] + unit)
    return "".join(words)


def parse_chinese_uppercase(text: str) -> tuple[Decimal, str]:
    """Inverse of chinese_uppercase; anything it would not have written is rejected."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    currency, body = _split_prefix(text)
    amount = _decimal_from_fen(_parse_chinese_body(body))
    if chinese_uppercase(amount, currency) != text:
        raise ValueError(f"not a canonical 大写金额: {text!r}")
    return amount, currency


def _split_prefix(text: str) -> tuple[str, str]:
    for code, prefix in _CHINESE_CURRENCY.items():
        if text.startswith(prefix):
            return code, text[len(prefix) :]
    raise ValueError(f"no known currency prefix: {text!r}")


def _parse_chinese_body(body: str) -> int:
    """Returns fen. Reads the fraction off the end, then the integer before 元."""
    if body.endswith("整"):
        if not body.endswith("元整"):
            raise ValueError(f"整 must follow 元: {body!r}")
        return _parse_chinese_integer(body[:-2]) * 100
    rest, fen = _strip_chinese_unit(body, "分")
    rest, jiao = _strip_chinese_unit(rest, "角")
    if jiao == fen == 0:
        raise ValueError(f"neither 整 nor 角/分: {body!r}")
    rest = rest.removesuffix("零")
    if not rest:
        return jiao * 10 + fen
    if not rest.endswith("元"):
        raise ValueError(f"expected 元 before 角/分: {body!r}")
    return _parse_chinese_integer(rest[:-1]) * 100 + jiao * 10 + fen


def _strip_chinese_unit(text: str, unit: str) -> tuple[str, int]:
    if not text.endswith(unit):
        return text, 0
    digit = _CHINESE_DIGIT_VALUE.get(text[-2:-1])
    if not digit:
        raise ValueError(f"expected a non-zero digit before {unit}: {text!r}")
    return text[:-2], digit


def _parse_chinese_integer(text: str) -> int:
    """Split once on 亿 and once on 万 (no recursion, so long junk cannot overflow)."""
    high, low = _split_once(text, "亿")
    if high is None:
        return _parse_below_yi(text)
    return _parse_below_yi(high) * 10**8 + _parse_below_yi(low.removeprefix("零"))


def _parse_below_yi(text: str) -> int:
    high, low = _split_once(text, "万")
    if high is None:
        return _parse_chinese_section(text)
    return _parse_chinese_section(high) * 10**4 + _parse_chinese_section(low.removeprefix("零"))


def _split_once(text: str, unit: str) -> tuple[str | None, str]:
    parts = text.split(unit)
    if len(parts) > 2:
        raise ValueError(f"{unit} appears more than once: {text!r}")
    return (parts[0], parts[1]) if len(parts) == 2 else (None, text)


def _parse_chinese_section(text: str) -> int:
    value = 0
    digit: int | None = None
    for ch in text:
        if ch == "零":
            if digit is not None:
                raise ValueError(f"零 after a bare digit: {text!r}")
        elif ch in _CHINESE_DIGIT_VALUE:
            if digit is not None:
                raise ValueError(f"two digits without a unit: {text!r}")
            digit = _CHINESE_DIGIT_VALUE[ch]
        elif ch in _CHINESE_SMALL_UNITS:
            if not digit:
                raise ValueError(f"{ch} without a digit: {text!r}")
            value += digit * _CHINESE_SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"unexpected character {ch!r}: {text!r}")
    return value + (digit or 0)


# --- English ------------------------------------------------------------------------


def english_words(amount: Decimal | int | str, currency: str = "CNY") -> str:
    """The SAY … ONLY form used on Chinese bank and trade documents, so nothing can be appended."""
    fen = _amount_in_fen(amount)
    code = _lookup_currency(_ENGLISH_CURRENCY, currency)
    yuan, cents = divmod(fen, 100)
    parts = ["SAY", code]
    if yuan or not cents:
        parts.append(_english_integer(yuan))
    if yuan and cents:
        parts.append("AND")
    if cents:
        parts += ["CENTS", _english_integer(cents)]
    parts.append("ONLY")
    return " ".join(parts)


def _english_integer(n: int) -> str:
    """American style: no AND inside the number, so the only AND marks the cents."""
    if n == 0:
        return "ZERO"
    words = []
    for power in range(len(_ENGLISH_SCALES) - 1, -1, -1):
        group = n // 1000**power % 1000
        if group:
            words.append(_english_group(group))
            if _ENGLISH_SCALES[power]:
                words.append(_ENGLISH_SCALES[power])
    return " ".join(words)


def _english_group(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [_ENGLISH_ONES[hundreds], "HUNDRED"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_ENGLISH_TENS[tens] + (f"-{_ENGLISH_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ENGLISH_ONES[rest])
    return " ".join(words)


def parse_english_words(text: str) -> tuple[Decimal, str]:
    """Inverse of english_words; anything it would not have written is rejected."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    tokens = text.split(" ")
    if len(tokens) < 4 or tokens[0] != "SAY" or tokens[-1] != "ONLY":
        raise ValueError(f"expected 'SAY <currency> … ONLY': {text!r}")
    currency = _english_currency_code(tokens[1])
    integer_tokens, cent_tokens = _split_cents(tokens[2:-1])
    cents = _parse_english_integer(cent_tokens)
    if cents > 99:
        raise ValueError(f"more than 99 cents: {text!r}")
    amount = _decimal_from_fen(_parse_english_integer(integer_tokens) * 100 + cents)
    if english_words(amount, currency) != text:
        raise ValueError(f"not canonical amount words: {text!r}")
    return amount, currency


def _english_currency_code(word: str) -> str:
    for code, name in _ENGLISH_CURRENCY.items():
        if name == word:
            return code
    raise ValueError(f"unknown currency word {word!r}")


def _split_cents(tokens: list[str]) -> tuple[list[str], list[str]]:
    if "CENTS" not in tokens:
        return tokens, []
    at = tokens.index("CENTS")
    integer_tokens = tokens[:at]
    if integer_tokens:
        if integer_tokens[-1] != "AND":
            raise ValueError(f"expected AND before CENTS: {' '.join(tokens)!r}")
        integer_tokens = integer_tokens[:-1]
    return integer_tokens, tokens[at + 1 :]


def _parse_english_integer(tokens: list[str]) -> int:
    total = current = 0
    for token in tokens:
        if token in _ENGLISH_WORD_VALUE:
            current += _ENGLISH_WORD_VALUE[token]
        elif token == "HUNDRED":
            current *= 100
        elif token in _ENGLISH_SCALE_VALUE:
            total += current * _ENGLISH_SCALE_VALUE[token]
            current = 0
        else:
            current += _parse_hyphenated(token)
    return total + current


def _parse_hyphenated(token: str) -> int:
    tens, _, ones = token.partition("-")
    if tens not in _ENGLISH_TENS[2:] or ones not in _ENGLISH_ONES[1:10]:
        raise ValueError(f"unexpected word {token!r}")
    return _ENGLISH_WORD_VALUE[tens] + _ENGLISH_WORD_VALUE[ones]
