"""Mutation testing of the rule and policy modules with mutmut (`make mutation`; slow, not in `make test`).

mutmut finds sources only under `src/` of the directory it runs in, and the services live in
`services/<name>/src`: so each service gets a workspace of its own (`.data/mutation/<service>`)
holding its `src/`, the `tests/` tree and `pytest.ini`, and mutmut runs there against the
in-process tests of that service only (real PostgreSQL, rolled-back sessions; no stack).

    python tools/mutation.py                         # every listed module
    python tools/mutation.py assessment.excellence   # one module (or several)
    python tools/mutation.py --survivors personnel.adjustments   # after adding tests: survivors and unreached only
    python tools/mutation.py --collect personnel.adjustments     # record what the workspace holds, run nothing

Prints the kill rate per module and every survivor. Each module's latest result is kept in
docs/mutation-results.json, so a partial run (one module takes 15-30 min here) adds to the others;
docs/mutation.md is written from all of them, with the date each module was last run. Survivors that are
  equivalent mutants (no test could tell them apart) are
listed in EQUIVALENT below with the reason; they count as killed in the rate.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".data" / "mutation"

# service → (package, in-process test folders, modules under mutation). The kernel's modules are
# used by every service, so every service's tests count for them.
TARGETS: dict[str, tuple[str, list[str], list[str]]] = {
    "personnel": ("personnel", ["tests/personnel"], ["quotas", "adjustments", "vacancies", "policy"]),
    "assessment": ("assessment", ["tests/assessment"], ["excellence", "cycles"]),
    "platform": ("platforms", ["tests/platform"], ["lifecycle", "dispatch", "sla", "policy"]),
    # The OAuth endpoints, reached in process through the identity app (tests/kernel/test_token_verifier.py).
    "identity": ("identity", ["tests/identity", "tests/kernel"], ["oauth"]),
    "servicekit": (
        "servicekit",
        ["tests/kernel", "tests/personnel", "tests/assessment", "tests/platform"],
        ["visibility", "auth"],
    ),
}

# Mutant name → why no test can kill it (the behaviour is the same). Counted as killed.
EQUIVALENT: dict[str, str] = {
    # Occupancy of every agency instead of the listed ones: the loop reads only the listed ones.
    "personnel.quotas.x__check_occupancy__mutmut_6": "occupancy of all agencies; only the listed are read",
    "personnel.quotas.x__check_occupancy__mutmut_8": "occupancy of all agencies; only the listed are read",
    "personnel.adjustments.x__check_quota__mutmut_20": "occupancy of all agencies; only the inflow ones are read",
    "personnel.adjustments.x__check_quota__mutmut_22": "occupancy of all agencies; only the inflow ones are read",
    # The department row's lock: the next statement locks all of the department's agencies, which
    # every writer of the department's quotas also locks, so the same writers queue either way.
    "personnel.quotas.x_decide__mutmut_45": "department lock redundant with the agencies' lock that follows",
    "personnel.quotas.x_decide__mutmut_48": "department lock redundant with the agencies' lock that follows",
    "personnel.quotas.x_decide__mutmut_49": "department lock redundant with the agencies' lock that follows",
    # A reorganisation's total was checked when proposed; the total cannot move before approval
    # without QUOTA_CHANGED_SINCE_REQUEST refusing first, so the re-check cannot fire on it.
    "personnel.quotas.x_decide__mutmut_76": "REORGANISATION_LOWERS_TOTAL cannot fire at approval",
    # join() without its ON clause: SQLAlchemy infers the same one from the only foreign key.
    "personnel.quotas.x_department_totals__mutmut_5": "ON clause inferred from the foreign key",
    "personnel.quotas.x_department_totals__mutmut_8": "ON clause inferred from the foreign key",
    "personnel.quotas.x_model_proposal__mutmut_69": "ON clause inferred from the foreign key",
    "personnel.quotas.x_model_proposal__mutmut_71": "ON clause inferred from the foreign key",
    # propose() takes the department total when new_total is None, which is what the model used.
    "personnel.quotas.x_propose_from_model__mutmut_20": "the model's total is the department total",
    # Years are whole days / 365.2425: exactly 2.0 would need 730.485 days, so < and <= agree.
    "personnel.adjustments.x__check_tenure__mutmut_21": "tenure can never equal exactly 2 years",
    # The Cadre column's default is IN_POST: an arrival created without a status gets it anyway.
    "personnel.adjustments.x__apply__mutmut_16": "the status column defaults to IN_POST",
    "personnel.adjustments.x__apply__mutmut_28": "the status column defaults to IN_POST",
    # Demoting "no previous head" or the new head himself first changes nothing: he is made HEAD next.
    "personnel.adjustments.x__apply__mutmut_159": "set_role on None or on the new head is undone at once",
    # HEAD_CHANGE 3 → 4 keeps it last.
    "personnel.adjustments.x_make_effective__mutmut_86": "head changes stay last",
    # The (batch_id, party) key's index returns a batch's seats in party order.
    "personnel.adjustments.x__reviews__mutmut_3": "the primary key's index orders seats by party",
    # A service token carries no role bindings, so it holds no seat either way.
    "personnel.adjustments.x_three_party_review__mutmut_21": "a service token holds no seat",
    # session.get(Agency, None) is None: the caller is refused the same way.
    "personnel.adjustments.x_township_opinion__mutmut_13": "get() of a None key is None",
    # make_page keeps `size` rows and reads one more only to tell whether another page exists.
    "personnel.adjustments.x_list_adjustments__mutmut_5": "the page is cut to its size either way",
    "personnel.adjustments.x_list_adjustments__mutmut_12": "the page is cut to its size either way",
    "personnel.quotas.x_list_requests__mutmut_4": "the page is cut to its size either way",
    "personnel.quotas.x_list_requests__mutmut_11": "the page is cut to its size either way",
    # The rows are filtered to the touched agencies in Python too, and PostgreSQL reads field
    # names in extract() in any case.
    "personnel.adjustments.x__check_rounds__mutmut_14": "busy is filtered to the touched agencies anyway",
    "personnel.adjustments.x__check_rounds__mutmut_28": "extract('YEAR', …) is extract('year', …)",
    # Queries with an empty id list answer nothing; looking up no person finds none.
    "personnel.adjustments.x_submit__mutmut_67": "an empty IN () finds no cadre either way",
    "personnel.adjustments.x_submit__mutmut_74": "an empty IN () finds no open adjustment either way",
    "personnel.adjustments.x_submit__mutmut_106": "cadres.get(None) is None",
    # _validate_item does not read the agencies it is handed.
    "personnel.adjustments.x_submit__mutmut_98": "the agencies argument is unused by _validate_item",
    # The status column defaults to SUBMITTED.
    "personnel.adjustments.x_submit__mutmut_128": "the status column defaults to SUBMITTED",
    "personnel.adjustments.x_submit__mutmut_140": "the status column defaults to SUBMITTED",
    # The new batch's rows are not in the table yet when submit checks the year's rounds.
    "personnel.adjustments.x_submit__mutmut_146": "the batch being submitted is not stored yet",
    # or_() of a single condition is that condition.
    "servicekit.visibility.x_scoped__mutmut_17": "or_(c) is c",
    "servicekit.visibility.x_scoped__mutmut_18": "or_(c) is c",
    # With no ids the query asks for `IN ()` and returns no agency: the same empty mapping.
    "personnel.adjustments.x__agencies__mutmut_2": "an empty IN () returns the same empty mapping",
    # scalar() reads the first row: limit(1), limit(2) or no limit find the same one.
    **{
        f"platforms.dispatch.x_{f}__mutmut_{n}": "scalar() reads the first row whatever the limit"
        for f, n in (("_assign_person", 17), ("_assign_person", 30), ("_called_back", 2), ("_called_back", 6))
    },
    **{
        f"platforms.dispatch.x_{f}__mutmut_{n}": "ON clause inferred from the foreign key"
        for f, n in (("_assign_person", 23), ("_assign_person", 25), ("recommend", 18), ("recommend", 20))
    },
    # unit stays unset only when neither a unit nor a person was named, which is refused first.
    "platforms.dispatch.x__dispatch__mutmut_6": "unit is unset only on a request refused before",
    "platforms.dispatch.x_act__mutmut_164": "get() of a None key is None",
    "platforms.dispatch.x_duplicate_candidates__mutmut_55": "extract('EPOCH', …) is extract('epoch', …)",
    "platforms.dispatch.x_list_events__mutmut_4": "the page is cut to its size either way",
    "platforms.dispatch.x_list_events__mutmut_11": "the page is cut to its size either way",
    # A service token's visibility is already `client_id = its own`: the key lookup repeats it.
    "platforms.dispatch.x_list_events__mutmut_45": "a service sees only its own reports already",
    # A post's holders are cadres of its own township (set_holders), and the candidates are this
    # township's cadres: a holder of a post elsewhere is never a candidate here.
    "platforms.dispatch.x_recommend__mutmut_16": "holders of posts elsewhere are never candidates here",
    # Without a grid, `grid_id = NULL` matches no member: the same empty set.
    "platforms.dispatch.x_recommend__mutmut_27": "no grid: `grid_id = NULL` finds no member either",
    # A member without a cadre adds None to the set, which no candidate's id equals.
    "platforms.dispatch.x_recommend__mutmut_33": "None in the member set matches no candidate",
    # routing.recommend keeps only candidates on the matter's line.
    "platforms.dispatch.x_recommend__mutmut_58": "routing keeps only the matter's line anyway",
    # A period begins with its year: by period descending is by year, then period, descending.
    "assessment.cycles.x_list_cycles__mutmut_5": "a period begins with its year",
    "assessment.cycles.x_list_members__mutmut_12": "the page is cut to its size either way",
    "assessment.cycles.x_list_members__mutmut_21": "the page is cut to its size either way",
    # Rows inserted without the key get the column's default (false).
    "assessment.cycles.x_make_shortlist__mutmut_133": "the submitted column defaults to false",
    "assessment.cycles.x_make_shortlist__mutmut_134": "the submitted column defaults to false",
    # "2026" can only be annual and "2026-Q4" / "2026-11" only regular.
    "assessment.cycles.x_open_cycle__mutmut_82": "the period decides the kind",
    # Counts of members with no round are grouped under NULL, which is never read.
    "assessment.cycles.x_places__mutmut_21": "the NULL group is never read",
    # Every cycle's shares are the Settings defaults (no API sets them).
    **{f"assessment.cycles.x_settings_of__mutmut_{n}": "a cycle's shares are the defaults" for n in (10, 11, 12)},
    # The pick checks read the shortlist's members only, never its sizes.
    "assessment.cycles.x_submit_round1__mutmut_41": "check_round1 reads no quota of the shortlist",
    "assessment.cycles.x_submit_township_round2__mutmut_134": "check_round2 reads no quota of the shortlist",
    "assessment.cycles.x_submit_township_round2__mutmut_135": "check_round2 reads no quota of the shortlist",
    # Only whether another township is still to report matters, not how many.
    **{
        f"assessment.cycles.x_submit_township_round2__mutmut_{n}": "only whether another township is pending matters"
        for n in (58, 59, 63, 64)
    },
    # Round 2's checks read only the picks' rows (shortlisted, round 1, township): reading the
    # township's other people too, or fewer, or all, gives the same answer.
    **{
        f"assessment.cycles.x_submit_township_round2__mutmut_{n}": "the checks read only the picks' rows"
        for n in (73, 86, 88, 90)
    },
    "assessment.cycles.x_submit_township_round2__mutmut_33": "other departments' rounds are read, never used",
}

# Survivors no in-process test can kill yet, with why: still counted as survived.
KNOWN: dict[str, str] = {
    **{
        f"personnel.adjustments.x__apply__mutmut_{n}": "the cadre row's lock (FOR UPDATE): only two concurrent "
        "transactions tell it apart, and the in-process tests run one rolled-back transaction each"
        for n in (79, 82, 83)
    },
    **{
        f"personnel.adjustments.x__batch__mutmut_{n}": "the batch rows' lock (FOR UPDATE): as above"
        for n in (1, 13, 14)
    },
    **{
        f"assessment.cycles.x_{f}__mutmut_{n}": "a row lock or lock order (FOR UPDATE): only concurrent "
        "transactions tell it apart"
        for f, n in (
            ("resolve_objection", 34),
            ("resolve_objection", 37),
            ("resolve_objection", 38),
            ("set_scores", 19),
            ("set_scores", 21),
            ("submit_township_round2", 19),
            ("submit_township_round2", 23),
        )
    },
    # Without the cycle, a department's flows of every cycle are read into one dict keyed by
    # department: the one kept is the last in physical row order, which is this cycle's in a test.
    "assessment.cycles.x_submit_township_round2__mutmut_22": "which cycle's flow is kept depends on the rows' "
    "physical order, which is this cycle's last in every in-process test",
    **{
        f"assessment.cycles.x_{f}__mutmut_{n}": "the order's last key: rows of equal leading keys come back in "
        "insertion order, which is the expected order in every in-process test"
        for f, n in (
            ("department_flows", 2),
            ("places", 30),
            ("list_objections", 5),
            ("completeness", 26),
            ("list_members", 16),
        )
    },
    **{
        f"platforms.dispatch.x_report__mutmut_{n}": "the advisory lock that queues concurrent retries of one "
        "idempotency key: only concurrent requests tell it apart (tests/e2e/test_security.py "
        "test_concurrent_retries_with_one_idempotency_key_return_the_first_event)"
        for n in (21, 22, 23, 24, 27)
    },
}

GOAL = 0.90
RESULTS = ROOT / "docs" / "mutation-results.json"


def workspace(service: str, modules: list[str]) -> Path:
    package, tests, _ = TARGETS[service]
    ws = WORK / service
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir(parents=True)
    shutil.copytree(
        ROOT / "services" / service / "src", ws / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    shutil.copytree(ROOT / "tests", ws / "tests", ignore=shutil.ignore_patterns("__pycache__", "e2e", "deploy"))
    shutil.copy2(ROOT / "pytest.ini", ws / "pytest.ini")
    # What the tests reach through ROOT: tools/devstack.py, each service's migrations and demo data.
    shutil.copytree(ROOT / "tools", ws / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "services", ws / "services", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    shutil.copytree(ROOT / "demo", ws / "demo")
    # The personnel seed finds demo/ four levels above its own file: from mutants/src/personnel/
    # that is .data/mutation/.
    shutil.copytree(ROOT / "demo", WORK / "demo", dirs_exist_ok=True)
    # The whole package is copied (so the mutated copy is the package the tests import); only the
    # listed modules are mutated.
    only = "\n    ".join(f"src/{package}/{m}.py" for m in modules)
    tests_list = "\n    ".join(tests)
    (ws / "setup.cfg").write_text(
        f"""[mutmut]
source_paths =
    src/{package}
only_mutate =
    {only}
pytest_add_cli_args_test_selection =
    {tests_list}
pytest_add_cli_args =
    -pno:cacheprovider
also_copy =
    pytest.ini
    tools
    services
    demo
""",
        encoding="utf-8",
    )
    return ws


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if not env.get("DATABASE_URL"):
        # One embedded server for every workspace (the tests' own fallback would start one per workspace).
        sys.path.insert(0, str(ROOT / "services" / "servicekit" / "src"))
        from servicekit import embedded_pg

        env["DATABASE_URL"] = embedded_pg.start(ROOT / ".data" / "pg-test")
    return env


def _mutmut(ws: Path, *names: str) -> dict[str, dict[str, list[str]]]:
    """``mutmut run`` in the workspace (every mutant, or only ``names``), then each mutant's status."""
    env = _env()
    mutmut = [sys.executable, "-m", "mutmut"]
    jobs = os.environ.get("MUTATION_JOBS") or str(os.cpu_count() or 2)
    subprocess.run([*mutmut, "run", "--max-children", jobs, *names], cwd=ws, env=env, check=False)
    return _results(ws, env)


def _results(ws: Path, env: dict[str, str] | None = None) -> dict[str, dict[str, list[str]]]:
    """Each mutant's last status in the workspace, by module."""
    mutmut = [sys.executable, "-m", "mutmut"]
    out = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=ws, env=env or os.environ, capture_output=True, text=True
    )
    by_module: dict[str, dict[str, list[str]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for line in out.stdout.splitlines():
        # "    platforms.lifecycle.x_transition__mutmut_4: survived"
        match = re.match(r"^\s*(\S+?)\.x[_ǁ]\S*__mutmut_\d+: (.+)$", line)
        if match:
            name, status = line.strip().rsplit(": ", 1)
            by_module[match.group(1)][status.strip()].append(name)
    return by_module


def run(service: str, modules: list[str]) -> dict[str, dict[str, list[str]]]:
    return _mutmut(workspace(service, modules))


def rerun_survivors(service: str, modules: list[str], stored: dict) -> dict[str, dict[str, list[str]]]:
    """Only the last run's survivors, against today's tests, in the workspace that run left (its
    mutants are still valid while the modules' source is unchanged): minutes instead of hours
    after adding tests. Without a workspace, a full run."""
    ws = WORK / service
    if not (ws / "mutants").exists():
        return run(service, modules)
    for dest in (ws / "tests", ws / "mutants" / "tests"):
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(ROOT / "tests", dest, ignore=shutil.ignore_patterns("__pycache__", "e2e", "deploy"))
    package = TARGETS[service][0]
    # The workspace's own record is the latest (an interrupted rerun keeps what it finished);
    # the stored results are the fallback.
    current = _results(ws)
    # Survivors and mutants no test reached (new tests may reach them now).
    names = [
        n
        for m in modules
        for status in ("survived", "no tests")
        for n in current.get(f"{package}.{m}", {}).get(status) or stored.get(f"{package}.{m}", {}).get(status, [])
    ]
    # mutmut keeps each mutant's last status in the workspace, so its results after this rerun are
    # the whole picture: the rerun survivors' new status beside everything else's earlier one.
    return _mutmut(ws, *names) if names else current  # nothing survives: nothing to rerun


def summarise(results: dict[str, dict]) -> str:
    """``results``: module → {"service", "date", "counts": {status: n}, "survived": [...], "no tests": [...]}."""
    lines = [
        "# Mutation testing (`make mutation`, mutmut)",
        "",
        "| module | last run | mutants | killed | equivalent | survived | no tests | timeout | kill rate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    survivors: list[str] = []
    for module, entry in sorted(results.items(), key=lambda kv: (kv[1]["service"], kv[0])):
        counts = entry["counts"]
        killed = counts.get("killed", 0)
        survived = [s for s in entry.get("survived", []) if s not in EQUIVALENT]
        equivalent = [s for s in entry.get("survived", []) if s in EQUIVALENT]
        untested = entry.get("no tests", [])
        timeout = counts.get("timeout", 0)
        total = sum(counts.values())
        rate = (killed + len(equivalent) + timeout) / total if total else 1.0
        flag = "" if rate >= GOAL else " ✗"
        lines.append(
            f"| {entry['service']}: `{module}` | {entry['date']} | {total} | {killed} | {len(equivalent)} | "
            f"{len(survived)} | {len(untested)} | {timeout} | {rate:.1%}{flag} |"
        )
        survivors += [f"- `{s}` (survived{': ' + KNOWN[s] if s in KNOWN else ''})" for s in survived] + [
            f"- `{s}` (no test reaches it)" for s in untested
        ]
    lines += [
        "",
        f"Goal: ≥ {GOAL:.0%} killed per module; equivalent mutants are listed in `tools/mutation.py` "
        "with the reason no test can tell them apart (they count as killed).",
        "",
        "Run: `make mutation` (every module; hours here), `make mutation MODULES=personnel.quotas` (one), "
        "`.venv/bin/python tools/mutation.py --survivors personnel.quotas` (after adding tests: only the last "
        "survivors and unreached mutants, in the workspace the last run left), `--collect` (record a workspace's "
        "last run, running nothing).",
        "",
    ]
    if EQUIVALENT:
        lines += ["## Equivalent mutants", "", *[f"- `{k}`: {v}" for k, v in sorted(EQUIVALENT.items())], ""]
    if survivors:
        lines += [
            "## Survivors",
            "",
            "Show one with `cd .data/mutation/<service> && python -m mutmut show <name>`.",
            "",
            *survivors,
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="service.module to run (default: all listed)")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="rerun only the last run's survivors and unreached mutants against today's tests (after adding tests)",
    )
    parser.add_argument(
        "--collect",
        action="store_true",
        help="run nothing: record what the workspace's last run left (e.g. after two runs wrote at once)",
    )
    args = parser.parse_args(argv)
    wanted: dict[str, list[str]] = collections.defaultdict(list)
    for service, (package, _, modules) in TARGETS.items():
        for module in modules:
            if not args.only or f"{service}.{module}" in args.only or f"{package}.{module}" in args.only:
                wanted[service].append(module)
    if not wanted:
        parser.error(f"nothing matches {args.only}")
    stored = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    today = dt.date.today().isoformat()
    for service, modules in wanted.items():
        if args.collect:
            found = _results(WORK / service)
        elif args.survivors:
            found = rerun_survivors(service, modules, stored)
        else:
            found = run(service, modules)
        package = TARGETS[service][0]
        for module in modules:
            name = f"{package}.{module}"
            statuses = found.get(name, {})
            if (args.survivors or args.collect) and name in stored:
                # Mutants this rerun did not run were killed by the last full run, and the tests
                # have only grown since.
                before = set(stored[name].get("survived", [])) | set(stored[name].get("no tests", []))
                unchecked = statuses.pop("not checked", [])
                statuses.setdefault("killed", []).extend(n for n in unchecked if n not in before)
                if leftover := [n for n in unchecked if n in before]:
                    statuses["survived"] = [*statuses.get("survived", []), *leftover]
            stored[name] = {
                "service": service,
                "date": today,
                "counts": {k: len(v) for k, v in statuses.items()},
                "survived": sorted(statuses.get("survived", [])),
                "no tests": sorted(statuses.get("no tests", [])),
            }
        # Written after each service, so an interrupted run keeps what finished; merged into the
        # file as it is now, so two runs of different services at once keep each other's results.
        latest = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        stored = {**latest, **{f"{package}.{m}": stored[f"{package}.{m}"] for m in modules}}
        RESULTS.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    summary = summarise(stored)
    missing = [
        f"{TARGETS[svc][0]}.{m}"
        for svc, (_, _, mods) in TARGETS.items()
        for m in mods
        if f"{TARGETS[svc][0]}.{m}" not in stored
    ]
    if missing:
        summary += "\nNever run: " + ", ".join(f"`{m}`" for m in missing) + "\n"
    print(summary)
    (ROOT / "docs" / "mutation.md").write_text(summary, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
