"""The dated list-price table the estimate multiplies by (guards/data/prices_<region>.toml).

Prices are data, not code: each carries its unit, whether it is per hour or per month,
and where it was read, so a reviewer can check a figure and move `as_of` when it changes.
They are list prices as of that date, never billing data.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from foundation.tomlfile import describe

DATA = Path(__file__).resolve().parent.parent / "data"
#: The platform's region (platform.toml); the only table shipped.
DEFAULT_REGION = "eu-west-2"
DISCLAIMER = "list prices as of {as_of} ({region}, on demand), not billing data"


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    usd: Decimal = Field(ge=0)
    per: Literal["hour", "month"]
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    usage: str = ""  # what else the resource bills by use, which is not estimated


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str
    currency: Literal["USD"]
    as_of: dt.date
    hours_per_month: Decimal = Field(gt=0)
    price: dict[str, Price]

    def monthly(self, key: str, quantity: Decimal) -> Decimal:
        """`quantity` units of `key` left running for a month."""
        price = self.price[key]
        return quantity * price.usd * (self.hours_per_month if price.per == "hour" else 1)

    @property
    def disclaimer(self) -> str:
        return DISCLAIMER.format(as_of=self.as_of, region=self.region)


class PriceTableError(ValueError):
    """A price table that cannot be read: one line naming the file."""


def table_path(region: str) -> Path:
    return DATA / f"prices_{region}.toml"


@cache
def load_prices(region: str = DEFAULT_REGION) -> PriceTable:
    """The shipped table for `region`, read once per process (it is package data)."""
    path = table_path(region)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PriceTableError(f"no price table for region {region!r} ({path.name})") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PriceTableError(f"{path.name}: {' '.join(str(exc).split())}") from None
    try:
        return PriceTable.model_validate(raw)
    except ValidationError as exc:
        raise PriceTableError(f"{path.name}: {describe(exc)}") from None
