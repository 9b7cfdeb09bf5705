"""Password checks on their own threads: a bounded queue, and no address may fill it alone."""

from __future__ import annotations

import threading

import anyio
import pytest

from dashboards.password_checks import Busy, PasswordChecks


def test_one_address_cannot_fill_the_queue_for_everyone() -> None:
    """A guesser firing many sign-ins at once from one address gets "busy" beyond its own
    share; a colleague at another address still gets a place in the queue."""
    release = threading.Event()
    checks = PasswordChecks(workers=1, max_waiting=3, per_client=2)
    outcomes: dict[str, list[str]] = {"guesser": [], "colleague": []}

    def held_check(who: str) -> str:
        release.wait(30)
        return who

    async def attempt(who: str, address: str) -> None:
        try:
            outcomes[who].append(await checks.run(held_check, who, client=address))
        except Busy:
            outcomes[who].append("busy")

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(attempt, "guesser", "203.0.113.9")
            await anyio.wait_all_tasks_blocked()
            group.start_soon(attempt, "colleague", "198.51.100.7")
            await anyio.wait_all_tasks_blocked()
            release.set()

    anyio.run(main)
    assert outcomes["colleague"] == ["colleague"]
    assert sorted(outcomes["guesser"]) == ["busy"] * 4 + ["guesser"] * 2


def test_the_queue_is_bounded_and_frees_its_places() -> None:
    release = threading.Event()
    checks = PasswordChecks(workers=1, max_waiting=2, per_client=10)
    answers: list[str] = []

    def held_check() -> str:
        release.wait(30)
        return "checked"

    async def attempt(n: int) -> None:
        try:
            answers.append(await checks.run(held_check, client=f"192.0.2.{n}"))
        except Busy:
            answers.append("busy")

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for n in range(5):  # one running, two waiting, two turned away
                group.start_soon(attempt, n)
            await anyio.wait_all_tasks_blocked()
            release.set()
        # Every place is free again: a new attempt is checked.
        answers.append(await checks.run(lambda: "again", client="192.0.2.99"))

    anyio.run(main)
    assert sorted(answers) == ["again", "busy", "busy", "checked", "checked", "checked"]


@pytest.mark.parametrize("workers", [0, -1])
def test_at_least_one_checker(workers: int) -> None:
    with pytest.raises(ValueError):
        PasswordChecks(workers=workers)
