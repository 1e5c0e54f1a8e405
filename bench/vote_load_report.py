"""The figures bench/vote_load.py prints: logins, additions, latencies and outcomes."""

from __future__ import annotations

import os
import platform
import statistics
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.vote_load import Outcome


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(args, logins, login_seconds, outcomes: list[Outcome], add_seconds: float) -> int:
    login_times = [t for t in logins if isinstance(t, float)]
    login_failures = [t for t in logins if isinstance(t, str)]
    kinds = Counter(o.kind for o in outcomes)
    sent = [o for o in outcomes if o.kind != "not sent"]
    answered = [o.seconds for o in sent if o.kind in ("acknowledged", "refused")]
    requests = 2 * len(login_times) + len(sent)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"setup: {args.voters} voters, {len(outcomes)} additions planned, "
        f"{args.threads} client threads, gunicorn {args.workers} sync workers, "
        f"CONN_MAX_AGE={args.conn_max_age}"
    )
    print(
        f"logins: {len(login_times)} ok, {len(login_failures)} failed, {login_seconds:.2f} s "
        f"({len(login_times) / login_seconds:.1f} logins/s, 2 requests each); "
        f"p50 {ms(percentile(login_times, 0.5)) if login_times else '-'}"
    )
    for failure in Counter(login_failures).most_common(3):
        print(f"  login failure ×{failure[1]}: {failure[0]}")
    print(
        f"additions: {len(sent)} sent in {add_seconds:.2f} s = {len(sent) / add_seconds:.1f} req/s"
    )
    if answered:
        print(
            f"  latency: p50 {ms(percentile(answered, 0.5))}, "
            f"p95 {ms(percentile(answered, 0.95))}, p99 {ms(percentile(answered, 0.99))}, "
            f"max {ms(max(answered))}, "
            f"mean {ms(statistics.fmean(answered))}"
        )
    print(
        f"  acknowledged {kinds['acknowledged']}, refused {kinds['refused']}, "
        f"errors {kinds['error']}, not sent {kinds['not sent']}"
    )
    print(
        f"  sent while another addition of the same voter was in flight: "
        f"{sum(o.overlapped for o in sent)}"
    )
    for reason, count in Counter(o.detail for o in outcomes if o.kind == "refused").most_common(3):
        print(f"  refusal ×{count}: {reason[:110]}")
    for reason, count in Counter(o.detail for o in outcomes if o.kind == "error").most_common(3):
        print(f"  error ×{count}: {reason}")
    print(f"total requests: {requests} (logins 2 each + additions)")
    return kinds["error"] + len(login_failures)
