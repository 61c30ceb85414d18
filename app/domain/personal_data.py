"""Which tables hold data about a young person: found from the foreign keys, so none can be forgotten.

The export ("Download everything") and the erasure (closing a care leaver's account) each decide, table
by table, what they do; their tests compare those decisions with what is found here, so a new table
with a foreign key to a young person (or to a table that has one) fails them until someone decides.
"""

from __future__ import annotations

from sqlalchemy import MetaData

YOUNG_PEOPLE = "young_people"
ACCOUNTS = "accounts"


def tables_reaching(metadata: MetaData, target: str) -> set[str]:
    """Every table with a chain of foreign keys that ends at ``target`` (not ``target`` itself)."""
    found: set[str] = set()
    frontier = {target}
    while frontier:
        reached = {
            table.name
            for table in metadata.sorted_tables
            for key in table.foreign_keys
            if key.column.table.name in frontier and table.name not in found and table.name != target
        }
        found |= reached
        frontier = reached
    return found


def about_young_person(metadata: MetaData) -> set[str]:
    return tables_reaching(metadata, YOUNG_PEOPLE)
