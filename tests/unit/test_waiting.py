"""tests/waiting.py's eventually(), on a fake clock that only moves when the helper sleeps."""

from __future__ import annotations

import pytest

from tests.waiting import eventually


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def answers(*values: object):
    """A check returning `values` one per call, then the last one forever; counts its calls."""
    seen = list(values)

    def check() -> object:
        check.calls += 1
        return seen.pop(0) if len(seen) > 1 else seen[0]

    check.calls = 0
    return check


class NotYet:
    """A falsy reading that says what it saw, like a health answer still short of its goal."""

    def __init__(self, seen: str) -> None:
        self.seen = seen

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return self.seen


def test_returns_the_first_truthy_value_without_sleeping_when_it_already_holds() -> None:
    fake = FakeTime()
    assert eventually(answers({"rows": 3}), timeout=5, message="rows", clock=fake.clock, sleep=fake.sleep) == {"rows": 3}
    assert fake.sleeps == []


def test_polls_falsy_values_every_interval_until_one_is_truthy() -> None:
    fake, check = FakeTime(), answers(None, 0, [], "ready")
    assert eventually(check, timeout=5, interval=0.5, message="ready", clock=fake.clock, sleep=fake.sleep) == "ready"
    assert check.calls == 4
    assert fake.sleeps == [0.5, 0.5, 0.5]


def test_times_out_naming_what_was_awaited_and_the_last_value_seen() -> None:
    fake, check = FakeTime(), answers([], [], NotYet("status warning"))
    with pytest.raises(AssertionError) as failure:
        eventually(check, timeout=2, interval=0.5, message="the store reported ok", clock=fake.clock, sleep=fake.sleep)
    assert str(failure.value) == "not within 2 s: the store reported ok (last seen: status warning)"
    assert fake.now == 1002.0  # gave up at the deadline, not before and not an interval later
    assert check.calls == 5  # at 0, 0.5, 1, 1.5 and 2 s


def test_a_message_function_is_called_only_on_timeout() -> None:
    fake, log = FakeTime(), ["starting"]

    def message() -> str:
        return f"the server (log: {log[-1]})"

    assert eventually(answers(1), timeout=1, message=lambda: log.append("called") or "x", clock=fake.clock, sleep=fake.sleep) == 1
    assert log == ["starting"]
    log.append("exited 1")
    with pytest.raises(AssertionError, match=r"not within 1 s: the server \(log: exited 1\) \(last seen: None\)"):
        eventually(answers(None), timeout=1, message=message, clock=fake.clock, sleep=fake.sleep)


def test_a_zero_timeout_still_checks_once() -> None:
    fake, check = FakeTime(), answers(False)
    with pytest.raises(AssertionError, match="not within 0 s: nothing"):
        eventually(check, timeout=0, message="nothing", clock=fake.clock, sleep=fake.sleep)
    assert check.calls == 1
    assert fake.sleeps == []


def test_a_long_last_value_is_shortened_in_the_message() -> None:
    fake = FakeTime()
    with pytest.raises(AssertionError) as failure:
        eventually(answers(NotYet("x" * 5000)), timeout=0, message="m", clock=fake.clock, sleep=fake.sleep)
    assert str(failure.value) == "not within 0 s: m (last seen: " + "x" * 1000 + "...)"


def test_an_exception_from_the_check_stops_the_wait_at_once() -> None:
    fake = FakeTime()

    def died() -> bool:
        raise RuntimeError("server exited 1")

    with pytest.raises(RuntimeError, match="server exited 1"):
        eventually(died, timeout=60, message="the server", clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == []


def test_waits_in_real_time_with_the_default_clock() -> None:
    check = answers(None, None, 7)
    assert eventually(check, timeout=30, interval=0.001, message="the third call") == 7
    assert check.calls == 3
