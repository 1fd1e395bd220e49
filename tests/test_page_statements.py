"""The home page reads once what it shows, for each party (tests/statements.py)."""

import pytest
from django.urls import reverse

from tests.screens import browser
from tests.statements import assert_reads_once


@pytest.mark.parametrize(("party", "entry"), [("staff", "cases:inbox"), ("coordinator", "guardianship:home")])
def test_the_home_page(world, party, entry):
    html = assert_reads_once(browser(getattr(world, party)), reverse("home"))
    assert reverse(entry) in html
