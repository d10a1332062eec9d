import pytest

from domain.app_name import AppNameIndex, canonical_app_name
from domain.errors import InvalidAppNameError


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("acme", "acme"), ("ACME", "acme"), ("My-SaaS-App", "my-saas-app"), ("a1b", "a1b")],
)
def test_names_compare_by_their_lower_case_form(name: str, canonical: str) -> None:
    assert canonical_app_name(name) == canonical


@pytest.mark.parametrize(
    "name",
    [
        "\u0430cme",  # Cyrillic a
        "\uff21CME",  # fullwidth A
        "acme\u200b",  # zero-width space
        "ac me",
        "acme_",
        "-acme",
        "acme-",
        "ab",
        "a" * 64,
        "",
        "\uff41\uff43\uff4d\uff45",  # fullwidth acme
        "acme\n",
    ],
)
def test_look_alikes_and_malformed_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidAppNameError):
        canonical_app_name(name)


def test_length_bounds_are_inclusive() -> None:
    assert canonical_app_name("abc") == "abc"
    assert canonical_app_name("a" * 63) == "a" * 63


def test_index_id_is_the_same_for_every_spelling_of_a_name() -> None:
    ids = {AppNameIndex.create_id(canonical_app_name(n)) for n in ("acme", "ACME", "AcMe")}
    assert len(ids) == 1
    assert AppNameIndex.create_id("acme") != AppNameIndex.create_id("acme2")
