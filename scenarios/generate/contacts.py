"""Addresses and phone numbers on the hand-outs: obviously fictitious, and drawn from no
random stream.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenarios.schema import Home, Worker


def with_contacts(
    homes: Sequence[Home], workers: Sequence[Worker]
) -> tuple[list[Home], list[Worker]]:
    """Obviously fictitious addresses and numbers, derived from each record's place in its
    list: no random draw, so they leave everything else a seed gives as it is. Mobiles are in
    Ofcom's range reserved for drama (07700 900xxx); landlines in an unallocated one."""
    return (
        [
            h.model_copy(
                update={
                    "address": f"{i} Example Street, {h.locality.title()}",
                    "report_to": f"Duty manager, 01752 000 {i % 1000:03d}",
                }
            )
            for i, h in enumerate(homes, start=1)
        ],
        [
            w.model_copy(update={"phone": f"07700 900 {i % 1000:03d}"})
            for i, w in enumerate(workers, start=1)
        ],
    )
