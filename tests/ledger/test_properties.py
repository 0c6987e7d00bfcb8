"""Property: whatever is recorded, in whatever order and by whomever, the chain verifies."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain
from civicgrid.ledger.services import record

pytestmark = pytest.mark.django_db

# jsonb cannot hold NUL; unpaired surrogates are not text.
text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
appends = st.lists(
    st.tuples(
        st.sampled_from(["appeal.dispatch", "appeal.resolve", "role.assign", "dispatch_rule.change"]),
        st.tuples(st.sampled_from(["appeals.appeal", "directory.roleassignment"]), st.integers(1, 10**9)),
        st.sampled_from(["admin", "dispatcher", None]),
        st.dictionaries(text, json_values, max_size=5),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(appends=appends)
def test_any_sequence_of_appends_verifies(city, appends):
    before = LedgerEntry.objects.count()
    for action, target, actor, payload in appends:
        record(action, target=target, actor=actor and city.accounts[actor], payload=payload)

    result = verify_chain()

    assert result.ok, result
    assert result.checked == before + len(appends)
