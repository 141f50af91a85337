"""A monthly cost estimate per stack from list prices: what is left running costs this much.

Pure functions over an inventory; the dated price table is package data
(guards/data/prices_<region>.toml).
"""

from guards.estimate.estimate import estimate, lifecycle_of
from guards.estimate.model import Estimate, Line, StackEstimate
from guards.estimate.prices import PriceTable, PriceTableError, load_prices

__all__ = [
    "Estimate", "Line", "PriceTable", "PriceTableError", "StackEstimate", "estimate", "lifecycle_of", "load_prices",
]
