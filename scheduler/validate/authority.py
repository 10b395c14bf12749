"""Local authorities: each home, worker, site and facility serves its own authority's needs
unless the scenario shares it.

Each rule is one function named after it; its docstring states it as a formula."""

from __future__ import annotations

from scheduler.validate.lookup import (
    Found,
    Lookup,
    booking_key,
    record_key,
)


def local_authority(ix: Lookup) -> Found:
    """A resource serves only its own authorities A(x) = {x.authority} + x.shared_with:
    a home's booking at s: home.authority in A(s); a worker's booking at s: w.authority in
    A(s); a request's admission test at s or placement at f: r's authority in A(s), A(f);
    a shift of w at h: h.authority in A(w)."""
    for b in ix.plan.testing:
        site = ix.sites.get(b.site_id)
        if site is None:
            continue
        owner: tuple[str, str | None] | None = None
        if b.worker_id is not None and b.worker_id in ix.workers:
            owner = f"worker {b.worker_id}", ix.workers[b.worker_id].authority
        elif b.request_id is not None and b.request_id in ix.requests:
            owner = f"request {b.request_id}", _request_authority(ix, b.request_id)
        elif b.home_id is not None and b.home_id in ix.homes:
            owner = f"home {b.home_id}", ix.homes[b.home_id].authority
        if owner is not None and not site.serves(owner[1]):
            yield (
                booking_key(b),
                f"site {site.id} does not serve {owner[0]}'s authority {owner[1]}",
            )
    for a in ix.plan.shifts:
        worker, home = ix.workers.get(a.worker_id), ix.homes.get(a.home_id)
        if worker is not None and home is not None and not worker.serves(home.authority):
            message = f"worker {worker.id} does not serve {home.id}'s authority {home.authority}"
            yield record_key(a.worker_id, a.date), message
    for p in ix.plan.placements:
        facility = ix.facilities.get(p.facility_id)
        if facility is None or p.request_id not in ix.requests:
            continue
        authority = _request_authority(ix, p.request_id)
        if not facility.serves(authority):
            message = (
                f"facility {facility.id} does not serve {p.request_id}'s authority {authority}"
            )
            yield p.request_id, message


def _request_authority(ix: Lookup, request_id: str) -> str | None:
    request = ix.requests[request_id]
    if request.from_home is not None and request.from_home not in ix.homes:
        return request.authority
    return request.authority_in(ix.homes)
