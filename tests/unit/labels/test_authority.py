"""The classification authority block: read strictly, every problem named by its line."""

from __future__ import annotations

from datetime import date

import pytest

from tearline.labels.authority import Authority, AuthorityError, read_authority, with_authority
from tearline.labels.codec import from_dict, to_dict
from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry

US = default_registry().scheme("us")
JP = default_registry().scheme("jp")
DAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Classified By: J. Smith, Director", "Derived From: Multiple Sources",
          "Declassify On: 20501231"],
         Authority("J. Smith, Director", derived_from="Multiple Sources",
                   declassify_on=date(2050, 12, 31))),
        (["Classified By: J. Smith", "Reason: 1.4(c), 1.4(d)", "Declassify On: 2040-06-01"],
         Authority("J. Smith", reason="1.4(c), 1.4(d)", declassify_on=date(2040, 6, 1))),
        (["classified by:  J.  Smith", "DERIVED FROM: CG 12", "Declassify On: 50X1-HUM"],
         Authority("J. Smith", derived_from="CG 12", exemption="50X1-HUM")),
        (["Classified By: J. Smith", "Derived From: CG 12", "Declassify On: 25X1, 20751231"],
         Authority("J. Smith", derived_from="CG 12", declassify_on=date(2075, 12, 31),
                   exemption="25X1")),
        (["Classified By: J. Smith", "Derived From: CG 12",
          "Declassify On: 25X3, end of the operation"],
         Authority("J. Smith", derived_from="CG 12", exemption="25X3",
                   event="end of the operation")),
        (["Classified By: J. Smith", "Derived From: CG 12",
          "Declassify On: Completion of Operation Blue"],
         Authority("J. Smith", derived_from="CG 12", event="Completion of Operation Blue")),
    ],
)  # fmt: skip
def test_blocks_read(lines: list[str], expected: Authority) -> None:
    assert read_authority(lines, US, document_date=DAY) == expected


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["Classified By: J. Smith", "Declasify On: 20501231"], 2, "did you mean Declassify On"),
        (["Classified By: J. Smith", "Derived From: X"], 0, "needs a line Declassify On"),
        (["Derived From: X", "Declassify On: 20501231"], 0, "needs a line Classified By"),
        (["Classified By: J. Smith", "Declassify On: 20501231"], 0, "has neither"),
        (["Classified By: A", "Classified By: B", "Derived From: X", "Declassify On: 20501231"],
         2, "repeats Classified By"),
        (["Classified By:", "Derived From: X", "Declassify On: 20501231"], 1, "is empty"),
        (["Classified By: A", "Reason: 1.4(z)", "Declassify On: 20501231"], 2, "not an EO 13526"),
        (["Classified By: A", "Reason: 1.4(c), 1.4(c)", "Declassify On: 20501231"], 2, "twice"),
        (["Classified By: A", "Derived From: X", "Declassify On: 20500230"], 3, "not a date"),
        (["Classified By: A", "Derived From: X", "Declassify On: 2050-1-1"], 3, "not a date"),
        (["Classified By: A", "Derived From: X", "Declassify On: 25X1"], 3, "with a date or"),
        (["Classified By: A", "Derived From: X", "Declassify On: 25X10, 20501231"], 3,
         "not an exemption"),
        (["Classified By: A", "Derived From: X", "Declassify On: 50X3-XYZ"], 3, "not an exempt"),
        (["Classified By: A", "Derived From: X", "Declassify On: OADR"], 3, "obsolete"),
        (["Classified By: A", "Derived From: X", "Declassify On: 20201231"], 3, "not after"),
        (["Classified By: A", "Derived From: X", "Declassify On: 20601231"], 3, "25 years"),
        (["Classified By: A\\x07", "Derived From: X", "Declassify On: 20501231"], 1,
         "control characters"),
        (["Nonsense", "Derived From: X", "Declassify On: 20501231"], 1, "not a line"),
    ],
)  # fmt: skip
def test_a_bad_block_names_its_line(lines: list[str], line: int, message: str) -> None:
    lines = [text.replace("\\x07", "\x07") for text in lines]
    with pytest.raises(AuthorityError, match=message) as caught:
        read_authority(lines, US, document_date=DAY)
    assert caught.value.line == line
    assert caught.value.as_dict()["line"] == line


def test_an_exemption_allows_a_longer_period() -> None:
    lines = ["Classified By: A", "Derived From: X", "Declassify On: 25X1, 20601231"]
    assert read_authority(lines, US, document_date=DAY).declassify_on == date(2060, 12, 31)


def test_a_japanese_designation_lasts_at_most_five_years() -> None:
    ok = read_authority(["指定者: 防衛大臣", "指定の有効期間: 2031-11-30"], JP, document_date=DAY)
    assert (ok.classified_by, ok.declassify_on) == ("防衛大臣", date(2031, 11, 30))
    with pytest.raises(AuthorityError, match="5 years"):
        read_authority(["指定者: 防衛大臣", "指定の有効期間: 2031-12-01"], JP, document_date=DAY)


def test_a_scheme_without_a_block_refuses() -> None:
    with pytest.raises(AuthorityError, match="no classification authority block"):
        read_authority(["Classified By: A"], default_registry().scheme("tlp"))


def test_the_date_travels_on_the_label() -> None:
    block = read_authority(
        ["Classified By: A", "Derived From: X", "Declassify On: 20501231"], US, document_date=DAY
    )
    label = with_authority(parse("SECRET//NOFORN", "us"), block)
    assert label.declassify_on == date(2050, 12, 31)
    assert to_dict(label)["declassify_on"] == "2050-12-31"
    assert from_dict(to_dict(label)) == label
    event = read_authority(["Classified By: A", "Derived From: X", "Declassify On: 50X2-WMD"], US)
    assert with_authority(parse("SECRET//NOFORN", "us"), event).declassify_on is None
