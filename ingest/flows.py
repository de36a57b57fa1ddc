"""Money flows between accounts: buyer -> seller edges from orders, and returns joined to orders.

Sellers are accounts, so a brushing loop (A buys from B, B from C, C from A, with refunds) is a
directed cycle in the flow graph that gnn/ can look for.
"""

from __future__ import annotations

import polars as pl


def join_returns(returns: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """Returns (RETURNS-schema columns) with their order's buyer, seller and amount.

    A return whose order is not in the day's orders keeps null order fields and order_found=false:
    it may refer to an earlier day, so it is flagged rather than quarantined.
    """
    o = orders.select("order_id", "buyer_id", "seller_id", pl.col("amount").alias("order_amount"))
    return (returns.join(o, on="order_id", how="left", maintain_order="left")
            .with_columns(pl.col("buyer_id").is_not_null().alias("order_found"),
                          (pl.col("account_id") != pl.col("buyer_id")).alias("buyer_mismatch")))


def build_flows(orders: pl.DataFrame, returns: pl.DataFrame) -> pl.DataFrame:
    """One row per (buyer, seller) with counts and amounts (FLOWS schema), sorted by the pair."""
    returned = returns.select(pl.col("order_id").unique(), pl.lit(True).alias("_returned"))
    o = orders.join(returned, on="order_id", how="left").with_columns(pl.col("_returned").fill_null(False))
    return (o.group_by(pl.col("buyer_id").alias("src_account"), pl.col("seller_id").alias("dst_account"))
            .agg(pl.len().cast(pl.Int64).alias("n_orders"),
                 pl.col("amount").sum().alias("amount_total"),
                 pl.col("coupon_id").is_not_null().sum().cast(pl.Int64).alias("n_coupon_orders"),
                 pl.col("_returned").sum().cast(pl.Int64).alias("n_returned"),
                 pl.col("amount").filter(pl.col("_returned")).sum().alias("amount_returned"),
                 pl.col("created_at").min().alias("first_order_at"),
                 pl.col("created_at").max().alias("last_order_at"))
            .sort("src_account", "dst_account"))
