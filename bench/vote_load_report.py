"""The figures bench/vote_load.py prints: one line per phase, side by side, then the goals."""

from __future__ import annotations

import os
import platform
import statistics
from collections import Counter
from dataclasses import dataclass, field


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Phase:
    name: str
    outcomes: list  # bench.vote_load_server.Outcome
    seconds: float
    additions: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    acknowledged: int = 0
    stored: int = 0
    unanswered_stored: int = 0
    cap_violations: int | None = None
    killed: list[int] = field(default_factory=list)
    code_summary: str = ""
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.additions and not self.codes:
            self.additions = list(self.outcomes)

    @property
    def rate(self) -> float:
        return len(self.outcomes) / self.seconds if self.seconds else 0.0

    def latencies(self) -> list[float]:
        return [o.seconds for o in self.outcomes if o.kind != "error"]

    def queries(self) -> list[int]:
        return [o.queries for o in self.additions if o.kind == "acknowledged" and o.queries]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _line(phase: Phase) -> str:
    kinds = Counter(o.kind for o in phase.outcomes)
    latencies = phase.latencies()
    p50 = ms(percentile(latencies, 0.5)) if latencies else "-"
    p95 = ms(percentile(latencies, 0.95)) if latencies else "-"
    server_errors = sum(1 for o in phase.outcomes if o.status >= 500)
    queries = phase.queries()
    per_add = f"{statistics.fmean(queries):.1f} (max {max(queries)})" if queries else "-"
    caps = "-" if phase.cap_violations is None else str(phase.cap_violations)
    return (
        f"{phase.name:<36} {len(phase.outcomes):>6} {phase.rate:>8.1f} {p50:>8} {p95:>8} "
        f"{server_errors:>4} {kinds['error']:>6} {kinds['acknowledged']:>6}/{kinds['refused']:<6}"
        f" {caps:>5} {per_add:>14}"
    )


def report(args, phases: list[Phase]) -> int:
    """Print everything; 1 if a check failed, else 0."""
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"setup: gunicorn {args.workers} workers × {args.threads} thread(s) per instance, "
        f"{args.instances} "
        f"instance(s), CONN_MAX_AGE={args.conn_max_age}, CONN_HEALTH_CHECKS=1, PostgreSQL"
    )
    print()
    print(
        f"{'phase':<36} {'sent':>6} {'req/s':>8} {'p50':>8} {'p95':>8} {'5xx':>4} "
        f"{'errors':>6} {'ack/refused':>13} {'caps!':>5} {'queries/add':>14}"
    )
    for phase in phases:
        print(_line(phase))
    print()
    failed = False
    for phase in phases:
        for reason, count in Counter(
            o.detail for o in phase.outcomes if o.kind == "error"
        ).most_common(3):
            print(f"{phase.name}: error ×{count}: {reason[:120]}")
        if phase.code_summary:
            print(f"{phase.name}: {phase.code_summary}")
        if phase.killed:
            print(
                f"{phase.name}: worker {phase.killed[0]} killed (SIGKILL) halfway; "
                f"acknowledged {phase.acknowledged}, stored {phase.stored}, difference "
                f"{phase.stored - phase.acknowledged} (stored lines whose answer was lost with "
                f"the worker: {phase.unanswered_stored})"
            )
        for problem in phase.problems:
            print(f"{phase.name}: CHECK FAILED: {problem}")
            failed = True
    print()
    print("goals:")
    by_name = {phase.name.split(",")[0]: phase for phase in phases}
    open_phase = by_name.get("open loop")
    if open_phase is not None:
        latencies = open_phase.latencies()
        p95 = percentile(latencies, 0.95) if latencies else float("inf")
        errors = sum(1 for o in open_phase.outcomes if o.kind == "error")
        met = open_phase.rate >= 0.98 * args.rate and p95 < 0.150 and errors == 0
        print(
            f"  open loop {args.rate:g}/s for {args.open_seconds:g} s with p95 < 150 ms: "
            f"{'MET' if met else 'NOT MET'} ({open_phase.rate:.1f}/s answered, p95 {ms(p95)}, "
            f"{errors} errors)"
        )
    app = next(
        (p for p in phases if p.name.startswith("closed loop, ") and "bare" not in p.name), None
    )
    bare = next((p for p in phases if "bare view" in p.name), None)
    floor = next((p for p in phases if "bare write" in p.name), None)
    if app is not None and bare is not None and bare.rate:
        share = app.rate / bare.rate
        print(
            f"  closed loop ≥ 50 % of the bare view: {'MET' if share >= 0.5 else 'NOT MET'} "
            f"({app.rate:.1f} / {bare.rate:.1f} req/s = {share:.0%})"
        )
        if floor is not None and floor.rate:
            # Why the goal above cannot be met by any vote: the floor itself stays below it.
            print(
                f"    the floor, a signed-in one-row write: {floor.rate:.1f} req/s = "
                f"{floor.rate / bare.rate:.0%} of the bare view; the ballot addition is "
                f"{app.rate / floor.rate:.0%} of the floor"
            )
    for phase in phases:
        if phase.name.startswith(("two instances", "kill")):
            verdict = "MET" if not phase.problems else "NOT MET"
            print(f"  {phase.name}: every check {verdict}")
    return 1 if failed else 0
