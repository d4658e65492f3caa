# SPDX-License-Identifier: Apache-2.0
"""When a citizen's own words find nothing: the same words in the catalogue's order, or the
main part of them (issue 19).

Names in the catalogue put the thing first and the act after it (户口迁入, 居民身份证办理),
while people say the act first (迁户口, 补办身份证). The engine matches characters in order,
so such a query finds nothing. :func:`rewrites` proposes, for a query of Chinese characters
that found nothing, first the query with its two parts swapped at each place (迁户口 → 户口迁),
then its longest parts that are at least half of it (补办身份证 → 身份证). The first that finds
something is shown, and the screen says so (没有找到“迁户口”，下面是“户口迁”的结果).
A part shorter than half the query is never tried: 提取公积金 does not become 提取.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

HANZI = re.compile(r"[\u3400-\u9fff]+")
LONGEST = 8          # longer queries are sentences: 问一问 answers those


def rewrites(query: str) -> Iterator[str]:
    """Other readings of a normalised all-Chinese query of 3 to LONGEST characters, best first."""
    n = len(query)
    if not 3 <= n <= LONGEST or not HANZI.fullmatch(query):
        return
    seen = {query}
    for cut in range(1, n):
        swapped = query[cut:] + query[:cut]
        if swapped not in seen:
            seen.add(swapped)
            yield swapped
    for size in range(n - 1, max(2, (n + 1) // 2) - 1, -1):
        for start in range(n - size, -1, -1):      # the later part first: the thing, after the act
            part = query[start:start + size]
            if part not in seen:
                seen.add(part)
                yield part
