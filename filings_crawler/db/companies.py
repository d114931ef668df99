"""Queries on `companies`: upserts from SEC's ticker files, and the exchange enrichment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Text,
    bindparam,
    case,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from filings_crawler.db.listings import load_listings, replace_listings
from filings_crawler.db.tables import companies
from filings_crawler.items import Company, CompanyProfile
from filings_crawler.sec.exchanges import TARGET_EXCHANGES, UNKNOWN, enrich_companies
from filings_crawler.sec.listings import Listing
from filings_crawler.work import Target


def upsert_companies(conn: Connection, records: Sequence[Company]) -> int:
    """Insert new CIKs, update names and tickers of known ones; return how many rows changed.

    The enriched `exchange` and the submissions metadata are not touched, so rerunning the tickers
    crawl never undoes enrichment or discovery.
    """
    if not records:
        return 0
    statement = insert(companies)
    changed = (
        companies.c.name,
        companies.c.tickers,
        companies.c.primary_ticker,
        companies.c.sec_exchanges,
    )
    incoming = tuple(statement.excluded[c.name] for c in changed)
    statement = statement.on_conflict_do_update(
        index_elements=[companies.c.cik],
        set_={**{c.name: statement.excluded[c.name] for c in changed}, "updated_at": func.now()},
        # Only real changes touch a row, so a rerun leaves updated_at (and the table) as it was.
        where=tuple_(*changed).is_distinct_from(tuple_(*incoming)),
    )
    # RETURNING yields a row per inserted or really updated company: the count of changes.
    result = conn.execute(
        statement.returning(companies.c.cik),
        [
            {
                "cik": c.cik,
                "name": c.name,
                "tickers": c.tickers,
                "primary_ticker": c.primary_ticker,
                "sec_exchanges": c.sec_exchanges,
            }
            for c in records
        ],
    )
    return len(result.all())


def enrich_exchanges(conn: Connection) -> int:
    """Set every company's listing exchange from `listings_ref` (rule in sec/exchanges.py).

    A company listed in the past (db/past_listings.py) keeps the exchange its covers name while
    today's lists say UNKNOWN. Returns how many companies changed exchange; rerunning on the
    same data changes none.
    """
    rows = conn.execute(
        select(
            companies.c.cik,
            companies.c.tickers,
            companies.c.primary_ticker,
            companies.c.sec_exchanges,
            companies.c.listed_in_past,
            companies.c.exchange,
        )
    ).all()
    chosen = enrich_companies(
        (
            (cik, tickers, primary, sec_exchanges)
            for cik, tickers, primary, sec_exchanges, *_ in rows
        ),
        load_listings(conn),
    )
    changes = [
        {"target_cik": cik, "new_exchange": chosen[cik]}
        for cik, *_, listed_in_past, exchange in rows
        if chosen[cik] != exchange and not (listed_in_past and chosen[cik] == UNKNOWN)
    ]
    if changes:
        conn.execute(
            update(companies)
            .where(companies.c.cik == bindparam("target_cik"))
            .values(exchange=bindparam("new_exchange"), updated_at=func.now()),
            changes,
        )
    return len(changes)


def count_by_exchange(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(companies.c.exchange, func.count())
        .group_by(companies.c.exchange)
        .order_by(func.count().desc())
    ).all()
    return dict(rows)


def load_targets(
    conn: Connection,
    *,
    exchanges: Sequence[str] = TARGET_EXCHANGES,
    ciks: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Target]:
    """The targeted companies (listed on a target exchange), in CIK order."""
    query = select(companies.c.cik, companies.c.exchange, companies.c.primary_ticker).where(
        companies.c.exchange.in_(exchanges)
    )
    if ciks is not None:
        query = query.where(companies.c.cik.in_(ciks))
    query = query.order_by(companies.c.cik)
    if limit is not None:
        query = query.limit(limit)
    return [Target(*row) for row in conn.execute(query)]


def upsert_profiles(conn: Connection, profiles: Sequence[CompanyProfile]) -> int:
    """Record what each company's submissions JSON said, and the problems reading it.

    The enriched exchange is never touched. SEC's tickers replace the known ones when SEC lists
    any, and the primary ticker stays while it is still one of them. `updated_at` moves only when
    the metadata really changed, so a rerun on the same files changes nothing but the fetch time.
    """
    fetched = [p for p in profiles if p.profile is not None]
    failed = [p for p in profiles if p.profile is None]
    # Checked (its discovery done in this run) only when done: a company whose files did not
    # answer for now stays to be read by a resumed or later run (db.companies.unchecked_since).
    checked = case(
        (bindparam("b_done", type_=Boolean), func.now()), else_=companies.c.submissions_checked_at
    )
    if failed:
        conn.execute(
            update(companies)
            .where(companies.c.cik == bindparam("b_cik"))
            .values(last_error=bindparam("b_error"), submissions_checked_at=checked),
            [
                {"b_cik": p.cik, "b_error": "; ".join(p.problems) or None, "b_done": p.done}
                for p in failed
            ],
        )
    if not fetched:
        return len(profiles)
    text_array = ARRAY(Text)
    new_tickers = bindparam("b_tickers", type_=text_array)
    new_exchanges = bindparam("b_exchanges", type_=text_array)
    new_values: dict[str, ColumnElement[Any]] = {
        name: bindparam(f"b_{name}", type_=companies.c[name].type)
        for name in (
            "name",
            "entity_type",
            "sic",
            "sic_description",
            "state_of_incorporation",
            "fiscal_year_end",
            "former_names",
            "ein",
            "phone",
            "addresses",
        )
    }
    # An empty list from SEC says nothing: keep what the ticker files gave.
    new_values["tickers"] = case(
        (func.cardinality(new_tickers) > 0, new_tickers), else_=companies.c.tickers
    )
    new_values["primary_ticker"] = case(
        (func.cardinality(new_tickers) == 0, companies.c.primary_ticker),
        (companies.c.primary_ticker == func.any(new_tickers), companies.c.primary_ticker),
        else_=bindparam("b_first_ticker", type_=companies.c.primary_ticker.type),
    )
    new_values["sec_exchanges"] = case(
        (func.cardinality(new_exchanges) > 0, new_exchanges), else_=companies.c.sec_exchanges
    )
    changed = tuple_(*(companies.c[name] for name in new_values)).is_distinct_from(
        tuple_(*new_values.values())
    )
    conn.execute(
        update(companies)
        .where(companies.c.cik == bindparam("b_cik"))
        .values(
            **new_values,
            last_error=bindparam("b_error"),
            submissions_fetched_at=func.now(),
            submissions_checked_at=checked,
            updated_at=case((changed, func.now()), else_=companies.c.updated_at),
        ),
        [
            {
                "b_cik": p.cik,
                "b_error": "; ".join(p.problems) or None,
                "b_done": p.done,
                "b_tickers": profile.tickers,
                "b_first_ticker": profile.tickers[0] if profile.tickers else None,
                "b_exchanges": profile.exchanges,
                "b_name": profile.name,
                "b_entity_type": profile.entity_type,
                "b_sic": profile.sic,
                "b_sic_description": profile.sic_description,
                "b_state_of_incorporation": profile.state_of_incorporation,
                "b_fiscal_year_end": profile.fiscal_year_end,
                "b_former_names": profile.former_names,
                "b_ein": profile.ein,
                "b_phone": profile.phone,
                "b_addresses": profile.addresses,
            }
            for p in fetched
            if (profile := p.profile) is not None
        ],
    )
    return len(profiles)


def unchecked_since(conn: Connection, ciks: Sequence[int], since: datetime) -> list[int]:
    """Of these companies, those whose submissions were not asked for since `since`."""
    return list(
        conn.execute(
            select(companies.c.cik)
            .where(
                companies.c.cik.in_(ciks),
                or_(
                    companies.c.submissions_checked_at.is_(None),
                    companies.c.submissions_checked_at < since,
                ),
            )
            .order_by(companies.c.cik)
        ).scalars()
    )


def database_now(conn: Connection) -> datetime:
    """The server's clock: what `submissions_checked_at` is compared with."""
    now: datetime = conn.execute(select(func.now())).scalar_one()
    return now


@dataclass(frozen=True)
class ReferenceUpdate:
    listings: int  # rows now in listings_ref
    changed: int  # companies whose exchange changed
    by_exchange: dict[str, int]  # companies per exchange, after


def replace_reference(conn: Connection, listings: Sequence[Listing]) -> ReferenceUpdate:
    """A new symbol directory: `listings_ref` replaced, and the enrichment that follows from it."""
    replaced = replace_listings(conn, listings)
    changed = enrich_exchanges(conn)
    return ReferenceUpdate(replaced, changed, count_by_exchange(conn))
