# SPDX-License-Identifier: Apache-2.0
"""The ranking tiers PREFIX, START and CONTIGUOUS (:mod:`kiosk.search_rank`) for a few rows at
once: with few matches numpy's per-call cost, not the data, dominates, so the three run in one
short pass over the rows' whole token matrix instead of tier by tier."""
from __future__ import annotations

import numpy as np

UNREACHED = np.iinfo(np.int64).max


def few_rows_tiers(tokens: np.ndarray, steps, n: int) -> np.ndarray:
    """PREFIX, START and CONTIGUOUS for a few rows: completion columns, shape (3, rows).

    Each row's tokens are looked up once into ``bits[row, column, k]``.
    PREFIX and CONTIGUOUS then run as lanes, one lane per starting
    column, for at most n steps (each column takes at least one query
    character); START, a first piece on column 0 and gaps after, runs as
    an earliest-reach pass per query position. Both loops are short:
    numpy's per-call cost, not the data, is what a few rows pay for.
    """
    table, shifts = steps
    bits = table[tokens]                                       # (rows, width, k)
    count, width, _k = bits.shape
    full = table.dtype.type(1 << n)
    done = np.full((3, count), -1, dtype=np.int32)
    lanes = np.ones((count, width), dtype=table.dtype)         # lane s: a run from column s
    best = np.full(count, UNREACHED, dtype=np.int64)
    for t in range(min(n, width)):
        lanes = np.bitwise_or.reduce((lanes[:, :width - t, None] & bits[:, t:]) << shifts, axis=-1)
        finished = (lanes & full) != 0
        if finished.any():
            ends = np.where(finished, np.arange(width - t) + t, UNREACHED).min(axis=1)
            best = np.minimum(best, ends)
            done[0, finished[:, 0] & (done[0] < 0)] = t
            lanes[finished] = 0
        if not lanes.any():
            break
    done[2] = np.where(best < UNREACHED, best, -1)
    done[1] = start_tier(bits, shifts, n)
    return done


def start_tier(bits: np.ndarray, shifts: np.ndarray, n: int) -> np.ndarray:
    """START: a first piece on column 0, then gaps allowed; the completion column or -1."""
    count, width, _k = bits.shape
    reach = np.full((n + 1, count), UNREACHED, dtype=np.int64)
    for kk, k in enumerate(shifts.tolist()):
        reach[k][(bits[:, 0, kk] & 1) != 0] = 0
    present = np.bitwise_or.reduce(bits.reshape(-1, len(shifts)), axis=0).tolist()
    columns = np.arange(width)
    for i in range(1, n):
        if not (reach[i] < UNREACHED).any():
            continue
        after = columns[None, :] > reach[i][:, None]
        for kk, k in enumerate(shifts.tolist()):
            if i + k > n or not present[kk] >> i & 1:
                continue
            hit = ((bits[:, :, kk] >> i) & 1).astype(bool) & after
            first = np.where(hit.any(axis=1), hit.argmax(axis=1), UNREACHED)
            np.minimum(reach[i + k], first, out=reach[i + k])
    return np.where(reach[n] < UNREACHED, reach[n], -1).astype(np.int32)
