"""Check characters of the 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643)."""

import datetime as dt

import pytest

from pipeline.identifiers import (
    ID_CHECK_MAP,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    uscc_check_char,
)

# The example printed in GB 32100-2015 and in most descriptions of the code.
USCC_STANDARD = "91350100M000100Y43"
# The examples printed in GB 11643-1999.
ID_STANDARD = "11010519491231002X"
ID_STANDARD_2 = "440524188001010014"


def test_constants():
    assert len(USCC_ALPHABET) == 31
    assert not set("IOZSV") & set(USCC_ALPHABET)
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert ID_CHECK_MAP == "10X98765432"


# --- USCC -----------------------------------------------------------------------------


def test_uscc_standard_example():
    assert uscc_check_char(USCC_STANDARD[:17]) == "3"
    assert is_valid_uscc(USCC_STANDARD)


def test_uscc_check_value_31_becomes_0():
    # All zeros: sum 0 -> 31 - 0 = 31 -> 0.
    assert uscc_check_char("0" * 17) == "0"
    assert is_valid_uscc("0" * 18)


def test_uscc_check_char_can_be_a_letter():
    # Search a few prefixes for one whose check char is a letter, then verify it round-trips.
    found = [p for p in (f"913101157{n:08d}" for n in range(200)) if uscc_check_char(p).isalpha()]
    assert found
    for prefix in found[:5]:
        assert is_valid_uscc(prefix + uscc_check_char(prefix))


@pytest.mark.parametrize("pos", range(18))
def test_uscc_every_single_substitution_is_detected(pos):
    for ch in USCC_ALPHABET:
        if ch == USCC_STANDARD[pos]:
            continue
        bad = USCC_STANDARD[:pos] + ch + USCC_STANDARD[pos + 1 :]
        assert not is_valid_uscc(bad), bad


def test_uscc_adjacent_transpositions_are_detected():
    for i in range(16):
        a, b = USCC_STANDARD[i], USCC_STANDARD[i + 1]
        if a != b:
            swapped = USCC_STANDARD[:i] + b + a + USCC_STANDARD[i + 2 :]
            assert not is_valid_uscc(swapped), swapped


@pytest.mark.parametrize(
    "bad",
    [
        "",
        USCC_STANDARD[:17],  # too short
        USCC_STANDARD + "3",  # too long
        USCC_STANDARD.lower(),  # lower case is not the code's alphabet
        "91350100M000100YO3",  # O is not allowed
        "91350100M000100Y4I",  # I is not allowed
        "91350100M000100Y4 ",  # trailing space
        " 91350100M000100Y4",
        "９１350100M000100Y43",  # full-width digits
        None,
        913501000001004,
    ],
)
def test_uscc_rejects_malformed(bad):
    assert not is_valid_uscc(bad)


@pytest.mark.parametrize("bad", ["", "91350100M000100Y", "91350100M000100Y43", "91350100M000100YO", None])
def test_uscc_check_char_rejects_bad_prefix(bad):
    with pytest.raises(ValueError):
        uscc_check_char(bad)


# --- resident ID number ----------------------------------------------------------------


def test_id_standard_examples():
    assert id_check_char(ID_STANDARD[:17]) == "X"
    assert is_valid_id_number(ID_STANDARD)
    assert id_check_char(ID_STANDARD_2[:17]) == "4"
    assert is_valid_id_number(ID_STANDARD_2)


@pytest.mark.parametrize("pos", range(17))
def test_id_every_single_digit_substitution_is_detected(pos):
    for d in "0123456789":
        if d == ID_STANDARD[pos]:
            continue
        bad = ID_STANDARD[:pos] + d + ID_STANDARD[pos + 1 :]
        assert not is_valid_id_number(bad), bad


@pytest.mark.parametrize("check", list("0123456789"))
def test_id_wrong_check_char(check):
    assert not is_valid_id_number(ID_STANDARD[:17] + check)


def test_id_lower_case_x_is_rejected():
    assert not is_valid_id_number(ID_STANDARD[:17] + "x")


def test_id_impossible_birth_date_is_rejected_even_with_right_check_char():
    for birth in ("19490230", "19491301", "19490000", "20230229"):
        first17 = "110105" + birth + "002"
        code = first17 + id_check_char(first17)
        assert not is_valid_id_number(code), code
    # 2024-02-29 is real (leap year)
    first17 = "110105" + "20240229" + "002"
    assert is_valid_id_number(first17 + id_check_char(first17), today=dt.date(2026, 11, 1))


def test_id_birth_date_in_the_future_is_rejected():
    first17 = "110105" + "20270101" + "002"
    code = first17 + id_check_char(first17)
    assert not is_valid_id_number(code, today=dt.date(2026, 11, 1))
    assert is_valid_id_number(code, today=dt.date(2027, 1, 1))


@pytest.mark.parametrize(
    "bad",
    [
        "",
        ID_STANDARD[:17],
        ID_STANDARD + "1",
        "11010519491231002",
        "1101051949123100AX",
        "１1010519491231002X",
        None,
        110105194912310029,
    ],
)
def test_id_rejects_malformed(bad):
    assert not is_valid_id_number(bad)


@pytest.mark.parametrize("bad", ["", "1101051949123100", "11010519491231002X", "1101051949123100A", None])
def test_id_check_char_rejects_bad_prefix(bad):
    with pytest.raises(ValueError):
        id_check_char(bad)
