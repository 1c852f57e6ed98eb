"""Hypothesis strategies for valid US markings, labels and people."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry
from tearline.policy.model import Authorization, Clearance, Person, Status

LEVELS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET")
PARTNERS = ("AUS", "CAN", "DEU", "FRA", "GBR", "JPN", "KOR", "NZL", "FVEY", "NATO", "ACGU")
SCI = ("HCS", "SI", "SI-G", "TK", "KDK")
SAP = ("SAR-BP", "SAR-GB")
HANDLING = ("RS", "OC", "IMC", "PR")
TOKENS = (*SCI, *SAP, "OTHER")
NATIONS = ("USA", "JPN", "GBR", "AUS", "CAN", "NZL", "KOR", "DEU", "FRA")


def _ordered(tokens: list[str]) -> list[str]:
    scheme = default_registry().scheme("us")
    return sorted(tokens, key=scheme.sort_key)


def _rel_list(codes: list[str]) -> str:
    nations = default_registry().nations
    rest = sorted(c for c in codes if nations.is_nation(c)) + sorted(
        c for c in codes if nations.is_group(c)
    )
    return ", ".join(["USA", *rest])


@st.composite
def us_markings(draw: st.DrawFn, classified: bool | None = None) -> str:
    """A valid, canonical US-owned banner line."""
    levels = LEVELS if classified is None else (LEVELS[1:] if classified else LEVELS[:1])
    level = draw(st.sampled_from(levels))
    is_classified = level != "UNCLASSIFIED"
    access = draw(st.lists(st.sampled_from(SCI + SAP), unique=True, max_size=3))
    access = access if is_classified else []
    handling = draw(st.lists(st.sampled_from(HANDLING), unique=True, max_size=2))
    handling = [h for h in handling if is_classified or h != "OC"]
    if not is_classified and draw(st.booleans()):
        handling.append("FOUO")
    mode = draw(st.sampled_from(("none", "nf", "rel", "relido", "rel+relido", "rel+display")))
    if any(t in ("HCS", "KDK") for t in access):
        mode = "nf"
    dissem = list(handling)
    names = {"RS": "RSEN", "OC": "ORCON", "IMC": "IMCON", "PR": "PROPIN", "FOUO": "FOUO"}
    words = [names[t] for t in _ordered(dissem)]
    if mode == "nf":
        words = [
            names[t] for t in _ordered([t for t in dissem if t in ("RS", "FOUO", "OC", "IMC")])
        ]
        words.append("NOFORN")
        words += [names[t] for t in _ordered([t for t in dissem if t == "PR"])]
    if mode.startswith("rel") and mode != "relido":
        codes = draw(st.lists(st.sampled_from(PARTNERS), unique=True, min_size=1, max_size=4))
        covered = default_registry().nations.expand(c for c in codes if len(c) == 4)
        codes = [c for c in codes if c not in covered]  # a code inside a named group is redundant
        words.append("REL TO " + _rel_list(codes))
    if mode in ("relido", "rel+relido"):
        words.append("RELIDO")
    if mode == "rel+display":
        words.append("DISPLAY ONLY " + draw(st.sampled_from(("IRQ", "AFG", "ISR"))))
    fields = [level]
    sci = _ordered([t for t in access if not t.startswith("SAR-")])
    sap = _ordered([t for t in access if t.startswith("SAR-")])
    fields += ["/".join(part) for part in (sci, sap) if part]
    if words:
        fields.append("/".join(words))
    return "//".join(fields)


def us_labels(classified: bool | None = None) -> st.SearchStrategy[Label]:
    """Labels parsed from valid US markings."""
    return us_markings(classified).map(lambda text: parse(text, "us"))


@st.composite
def people(draw: st.DrawFn) -> Person:
    """A person with random nationalities, clearance and authorizations."""
    nations = frozenset(draw(st.lists(st.sampled_from(NATIONS), min_size=1, max_size=2)))
    level = draw(st.sampled_from(("U", "C", "S", "TS")))
    expires = draw(st.none() | st.dates(date(2025, 1, 1), date(2028, 1, 1)))
    status = draw(st.sampled_from(list(Status)) | st.just(Status.ACTIVE))
    auths = draw(
        st.lists(
            st.builds(
                Authorization,
                st.sampled_from(TOKENS),
                st.none() | st.dates(date(2025, 1, 1), date(2028, 1, 1)),
            ),
            max_size=4,
        )
    )
    return Person(nations, Clearance(level, "us", expires, status), tuple(auths))


#: Valid markings of every scheme but ``us`` (whose markings ``us_markings`` generates).
ALLIED_MARKINGS: tuple[tuple[str, str], ...] = (
    ("jp", "極秘//JPN ONLY"), ("jp", "極秘//REL TO JPN, USA"), ("jp", "極秘//REL TO JPN, GBR, KOR"),
    ("jp", "極秘//特定秘密//JPN ONLY"), ("jp", "特定秘密//REL TO JPN, USA"), ("jp", "注意"),
    ("jp", "秘//REL TO JPN, AUS, USA"), ("jp", "機密//JPN ONLY"), ("jp", "秘密指定なし"),
    ("gb", "OFFICIAL"), ("gb", "OFFICIAL-SENSITIVE"), ("gb", "SECRET//UK EYES ONLY"),
    ("gb", "SECRET//REL TO GBR, JPN, USA"), ("gb", "TOP SECRET//REL TO GBR, USA"),
    ("au", "PROTECTED//AUSTEO"), ("au", "SECRET//AGAO"), ("au", "SECRET//REL TO AUS, JPN, USA"),
    ("au", "SECRET//REL TO AUS, FVEY"),
    ("ca", "PROTECTED B"), ("ca", "SECRET//CEO"), ("nz", "SECRET//NZEO"), ("nz", "RESTRICTED"),
    ("nz", "SECRET//REL TO NZL, USA"),
    ("nato", "NATO SECRET"), ("nato", "NATO SECRET//RELEASABLE TO JPN"),
    ("nato", "COSMIC TOP SECRET//ATOMAL"), ("nato", "NATO CONFIDENTIAL//ATOMAL"),
    ("nato", "NATO UNCLASSIFIED"),
    ("kr", "군사II급비밀//REL TO KOR, JPN"),
    ("tlp", "TLP:AMBER"), ("tlp", "TLP:AMBER+STRICT//ORG:JMOD"), ("tlp", "TLP:RED//TO:alice, bob"),
    ("tlp", "TLP:GREEN//COMMUNITY:FIRST"), ("tlp", "TLP:CLEAR"),
    ("us", "//GBR SECRET//REL TO USA, GBR"), ("us", "//JPN SECRET//REL TO USA, JPN"),
    ("us", "//NATO SECRET//REL TO USA, JPN, NATO"), ("us", "//JOINT SECRET CAN GBR USA"),
    ("us", "UNCLASSIFIED//FOUO/DISPLAY ONLY JPN"), ("us", "UNCLASSIFIED//REL TO USA, JPN"),
    ("us", "SECRET//REL TO USA, GBR/DISPLAY ONLY JPN"), ("us", "TOP SECRET//SI/TK//RELIDO"),
    ("us", "CUI"), ("us", "CUI//SP-PRVCY"), ("us", "CUI//SP-CTI/SP-PRVCY//NOFORN/DL ONLY"),
    ("us", "CUI//FED ONLY"), ("us", "CUI//REL TO USA, JPN"), ("us", "CUI//SP-PRVCY//FEDCON"),
    ("us", "UNCLASSIFIED//SBU"), ("us", "UNCLASSIFIED//SBU NOFORN"),
    ("us", "UNCLASSIFIED//LES NOFORN"), ("us", "UNCLASSIFIED//SSI"),
    ("us", "SECRET//NOFORN//EXDIS"), ("us", "TOP SECRET//NOFORN//NODIS"),
    ("us", "SECRET//REL TO USA, JPN//LIMDIS"),
)  # fmt: skip

#: Clearances of every scheme a person may hold.
CLEARANCES: tuple[tuple[str, str], ...] = (
    ("us", "U"), ("us", "C"), ("us", "S"), ("us", "TS"),
    ("jp", "HI"), ("jp", "GOKUHI"), ("jp", "KIMITSU"),
    ("gb", "OFFICIAL"), ("gb", "SECRET"), ("gb", "TOP SECRET"),
    ("au", "SECRET"), ("nato", "NS"), ("nato", "CTS"), ("kr", "II"),
)  # fmt: skip


def any_labels() -> st.SearchStrategy[Label]:
    """Labels of every scheme: generated US markings and a corpus of the allies'."""
    allied = st.sampled_from(ALLIED_MARKINGS).map(lambda pair: parse(pair[1], pair[0]))
    return st.one_of(us_labels(), allied)


@st.composite
def anyone(draw: st.DrawFn) -> Person:
    """A person of any nationality holding a clearance of any scheme, with authorizations."""
    nations = frozenset(draw(st.lists(st.sampled_from(NATIONS), min_size=1, max_size=2)))
    scheme, level = draw(st.sampled_from(CLEARANCES))
    status = draw(st.sampled_from(list(Status)) | st.just(Status.ACTIVE) | st.just(Status.ACTIVE))
    expires = draw(st.none() | st.dates(date(2025, 1, 1), date(2028, 1, 1)))
    tokens = (*TOKENS, "ATOMAL", "org:JMOD", "person:alice", "community:FIRST", "tlp:amber")
    auths = draw(st.lists(st.sampled_from(tokens).map(Authorization), max_size=4))
    return Person(nations, Clearance(level, scheme, expires, status), tuple(auths))
