"""The exact Arrow schema of every file ingest writes (the input contract is in ingest/contract.py).

graph/ codes against these schemas; docs/ingest.md documents the same columns with their meaning.
Changing a schema here is a contract change: update docs/ingest.md and graph/ in the same commit.
All timestamps are UTC, microsecond precision. Ids are strings exactly as the platform wrote them
(stripped of surrounding whitespace).
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

# --- outputs -----------------------------------------------------------------------------------

QUARANTINE = pa.schema([
    ("stage", pa.string()),    # "ingest" | "asr" | "vision"
    ("source", pa.string()),   # input file, relative to the day folder
    ("item", pa.string()),     # the row's id if it could be read (order_id, session_id, ...), else null
    ("line", pa.int64()),      # 1-based line (CSV: record number, header = 1); null for whole-file items
    ("reason", pa.string()),   # machine-readable reason, see docs/ingest.md
    ("detail", pa.string()),   # human-readable detail (offending value, parser message), truncated
])

ACCOUNTS = pa.schema([
    ("account_id", pa.string()),
    ("created_at", TS),
    ("phone", pa.string()),           # E.164, null if not recognized
    ("phone_raw", pa.string()),
    ("register_ip", pa.string()),
    ("register_device", pa.string()),
])

ORDERS = pa.schema([
    ("order_id", pa.string()),        # opaque, as exported
    ("buyer_id", pa.string()),        # orders.csv account_id
    ("seller_id", pa.string()),       # an account_id
    ("amount", pa.float64()),         # >= 0, platform currency units
    ("coupon_id", pa.string()),       # null when no coupon
    ("ship_address", pa.string()),    # raw, as typed
    ("address_key", pa.string()),     # ingest.normalize.address_key(ship_address); null if empty
    ("ship_phone", pa.string()),      # E.164, null if not recognized
    ("ship_phone_raw", pa.string()),
    ("device_id", pa.string()),
    ("ip", pa.string()),
    ("created_at", TS),
])

RETURNS = pa.schema([
    ("return_id", pa.string()),
    ("order_id", pa.string()),
    ("account_id", pa.string()),      # who filed the return
    ("reason", pa.string()),
    ("photo", pa.string()),           # path relative to the day folder, null if none
    ("created_at", TS),
    ("order_found", pa.bool_()),      # the order_id exists in this day's orders
    ("buyer_id", pa.string()),        # from the order (null if not found)
    ("seller_id", pa.string()),       # from the order (null if not found)
    ("order_amount", pa.float64()),   # from the order (null if not found)
    ("buyer_mismatch", pa.bool_()),   # the filer is not the order's buyer (null if order not found)
])

CALLS_META = pa.schema([
    ("call_id", pa.string()),
    ("caller_phone", pa.string()),    # E.164, null if not recognized
    ("caller_phone_raw", pa.string()),
    ("account_id", pa.string()),      # null when the platform did not link the call
    ("audio", pa.string()),           # path relative to the day folder, null when there is no recording
    ("started_at", TS),
])

LABELS = pa.schema([
    ("account_id", pa.string()),
    ("label", pa.string()),           # lower-cased as given (fraud | legit | ...); partial and noisy
    ("source", pa.string()),          # where the label came from (chargeback, kyc_verified, ...)
])

FRAUD_ADDRESSES = pa.schema([
    ("address", pa.string()),         # raw, as listed
    ("address_key", pa.string()),     # ingest.normalize.address_key(address)
    ("source", pa.string()),
    ("first_seen", pa.date32()),      # null if not given
])

FLOWS = pa.schema([
    ("src_account", pa.string()),     # buyer
    ("dst_account", pa.string()),     # seller (shop owner account)
    ("n_orders", pa.int64()),
    ("amount_total", pa.float64()),
    ("n_coupon_orders", pa.int64()),
    ("n_returned", pa.int64()),       # orders of this edge that have at least one return
    ("amount_returned", pa.float64()),
    ("first_order_at", TS),
    ("last_order_at", TS),
])

SESSIONS = pa.schema([
    ("session_id", pa.string()),
    ("account_id", pa.string()),
    ("device_id", pa.string()),       # the session's first non-null device_id
    ("ip", pa.string()),              # first non-null ip
    ("user_agent", pa.string()),      # first non-null user agent
    ("started_at", TS),
    ("ended_at", TS),
    ("n_events", pa.int64()),
    ("dwell_mean_ms", pa.float64()),
    ("dwell_cv", pa.float64()),       # std / mean of dwell_ms; null with < 2 dwell values
    ("gap_cv", pa.float64()),         # std / mean of gaps between consecutive events; null with < 2 gaps
    ("path_hash", pa.uint64()),       # order-sensitive hash of the (event, page) sequence
    ("step_mean_ms", pa.float64()),   # mean step time (dwell_ms, else the gap since the previous event)
    ("machine_regular", pa.bool_()),  # >= regular_min_events steps with step-time CV <= regular_max_cv
])

FINGERPRINTS = pa.schema([
    ("account_id", pa.string()),
    ("n_events", pa.int64()),
    ("n_sessions", pa.int64()),
    ("n_sessions_regular", pa.int64()),  # machine-regular sessions (scripted-looking)
    ("regular_step_ms", pa.float64()),  # mean step time over the machine-regular sessions; null if none
    ("n_shingles", pa.int64()),       # distinct non-hub path shingles of the machine-regular sessions
    ("dwell_mean_ms", pa.float64()),
    ("dwell_cv", pa.float64()),
    ("gap_mean_ms", pa.float64()),
    ("gap_cv", pa.float64()),
    ("gap_regularity", pa.float64()),  # share of gaps within ±10 % of the previous gap (bots → 1)
    ("n_devices", pa.int64()),        # device / ip / user-agent features are over the sessions' values
    ("n_ips", pa.int64()),
    ("n_user_agents", pa.int64()),
    ("emulator", pa.bool_()),         # a device id or user agent carries an emulator / headless hint
    ("max_device_accounts", pa.int64()),  # most accounts seen on one of this account's devices
    ("max_ip_accounts", pa.int64()),      # most accounts seen behind one of this account's IPs
    ("first_seen", TS),
    ("last_seen", TS),
    ("minhash", pa.list_(pa.uint32())),  # datasketch MinHash (affine32) of the n_shingles; empty if none
])

SIMILAR_PAIRS = pa.schema([
    ("account_a", pa.string()),       # account_a < account_b (lexicographic); each pair once
    ("account_b", pa.string()),
    ("jaccard", pa.float64()),        # MinHash estimate of Jaccard over the accounts' regular-session shingles
    ("timing_sim", pa.float64()),     # 1 - |ln(step_a / step_b)| / step_tolerance, in (0, 1]
    ("shared_devices", pa.int64()),   # device ids both accounts used
    ("shared_ips", pa.int64()),       # ips both accounts used
    ("network_weight", pa.float64()),  # Adamic-Adar over shared devices/ips: sum 1/ln(1+accounts on it)
    ("weight", pa.float64()),         # the BEHAVES_LIKE edge weight in [0, 1], see docs/ingest.md
])

# file stem under WORK_DIR -> schema
OUTPUTS: dict[str, pa.Schema] = {
    "accounts": ACCOUNTS,
    "orders": ORDERS,
    "returns": RETURNS,
    "calls_meta": CALLS_META,
    "labels": LABELS,
    "fraud_addresses": FRAUD_ADDRESSES,
    "flows": FLOWS,
    "sessions": SESSIONS,
    "fingerprints": FINGERPRINTS,
    "similar_pairs": SIMILAR_PAIRS,
}
