"""The ``next`` token of the TAXII pages: a position in the collection's one order (version
time, local id) comes back exactly, for items and observations alike; anything else is the
one ``InvalidInput`` naming ``next`` (never another error: a client's token is untrusted)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tearline.errors import InvalidInput
from tearline.federation.pages import position_of, token_of

_times = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=9))]),
)  # fmt: skip
_ids = st.text(min_size=0, max_size=40)


@given(_times, _ids)
def test_a_position_comes_back_exactly(at: datetime, local_id: str) -> None:
    back = position_of(token_of((at, local_id)))
    assert back == (at, local_id)
    assert back[0].utcoffset() == at.utcoffset()


@given(st.text(max_size=80))
def test_anything_else_is_refused_naming_next(token: str) -> None:
    refused: list[str] = []
    try:
        at, _ = position_of(token)
    except InvalidInput as problem:
        refused.append(str(problem))
    else:  # a text that happens to decode to a position is one, with a time zone
        assert at.tzinfo is not None
    assert all("next" in message for message in refused)


@pytest.mark.parametrize("text", ["2026-11-30T09:00:00|i-1", "no bar", "\xff"])
def test_a_token_without_a_zone_or_a_bar_is_refused(text: str) -> None:
    token = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    with pytest.raises(InvalidInput, match="next"):
        position_of(token)
