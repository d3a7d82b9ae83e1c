"""core.guesses: the one rate limit of the pages without login (ballots, sign-in, callbacks)."""

import datetime as dt

import pytest
from django.utils import timezone

from zugong.core.guesses import Guesses
from zugong.core.models import WrongGuess


@pytest.mark.django_db
def test_a_client_is_held_back_at_its_limit_and_each_purpose_counts_apart():
    ballots, signin = Guesses("ballot-client", limit=3, minutes=15), Guesses("signin-client", limit=3, minutes=15)
    now = timezone.now()
    for _ in range(3):
        assert not ballots.throttled("10.1.1.1", now)
        ballots.count("10.1.1.1", now)
    assert ballots.throttled("10.1.1.1", now)
    assert not ballots.throttled("10.1.1.2", now)  # another address
    assert not signin.throttled("10.1.1.1", now)  # another page
    assert not ballots.throttled("10.1.1.1", now + dt.timedelta(minutes=16))  # the window passed
    assert ballots.throttled("10.1.1.1", now, limit=3, minutes=15)
    assert not ballots.throttled("10.1.1.1", now, limit=4)  # a configured limit wins


@pytest.mark.django_db
def test_addresses_are_kept_as_keyed_hashes_and_for_a_day():
    guesses = Guesses("service-callback-client")
    now = timezone.now()
    guesses.count("192.168.7.7", now - dt.timedelta(days=2))
    guesses.count("192.168.7.7", now)
    assert WrongGuess.objects.count() == 1  # the older entry is dropped
    assert not WrongGuess.objects.filter(client__contains="192.168").exists()
    assert guesses.message() == "错误次数过多，请 15 分钟后再试"
