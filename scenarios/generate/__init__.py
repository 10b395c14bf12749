"""Deterministic synthetic scenarios: a city's care homes, staff bank, test sites and beds.

Real planning data from 2020 named homes, residents and staff, so it cannot be shipped. This
package builds cities with the same *shape* instead: the mix of home types and sizes, how
many homes had an outbreak, how short of staff they were, how much testing and isolation
capacity there was. Every name and id is made up.

`city` builds one city (`generate`) section by section, each in a module of its own:
`homes`, `sites`, `workers` (with the labour pools beyond the bank), `shortfalls`,
`contacts` and `isolation`, all drawn around the figures and word lists in `shape`.
`plymouth` is the worked example and `authorities` a region of several cities. Code outside
this package imports from here, `scenarios.generate`.
"""

from scenarios.generate.authorities import generate_authorities
from scenarios.generate.city import START, generate
from scenarios.generate.plymouth import EXAMPLES, PLYMOUTH_FILE, plymouth_2020, plymouth_text
from scenarios.generate.workers import bank_supply

__all__ = [
    "EXAMPLES",
    "PLYMOUTH_FILE",
    "START",
    "bank_supply",
    "generate",
    "generate_authorities",
    "plymouth_2020",
    "plymouth_text",
]
