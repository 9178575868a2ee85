#!/usr/bin/env python3
"""Check the Netreach content pack: TOML parses, schema fields, citations, class-pair coverage.

Run from anywhere: python3 content/check_pack.py  (exit code 0 = all good).
"""
import re
import sys
import tomllib
from itertools import combinations_with_replacement
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CLASSES = {"opioid", "stimulant", "depressant", "benzodiazepine", "gabapentinoid", "ghb", "alcohol", "dissociative",
           "psychedelic", "empathogen", "cannabinoid", "deliriant", "inhalant", "ssri", "maoi", "lithium",
           "antiretroviral_booster", "alpha2_agonist", "sedating_antidepressant", "antipsychotic", "other"}
CATEGORIES = {"dangerous", "unsafe", "caution", "low_risk_synergy", "low_risk_no_synergy", "low_risk_decrease", "unknown"}
CONFIDENCE = {"high", "medium", "low"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REF = re.compile(r"\[(S\d+)\]")
errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_source(where, s, need_id):
    for k in ("title", "publisher", "year"):
        if not s.get(k):
            err(where, f"source missing {k}")
    if not (s.get("url") or s.get("doi")):
        err(where, "source needs url or doi")
    if not isinstance(s.get("year"), int):
        err(where, "source year must be an integer")
    if need_id and not s.get("id"):
        err(where, "source missing id")


def load(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except Exception as e:  # noqa: BLE001 - report every parse problem
        err(str(path), f"TOML parse error: {e}")
        return None


substances = {}
for path in sorted((ROOT / "substances").glob("*.toml")):
    d = load(path)
    if d is None:
        continue
    w = path.name
    slug = d.get("slug")
    if slug != path.stem or not SLUG.match(slug or ""):
        err(w, f"slug {slug!r} must match file name and be kebab-case")
    if d.get("class") not in CLASSES:
        err(w, f"unknown class {d.get('class')!r}")
    if d.get("confidence") not in CONFIDENCE:
        err(w, "bad confidence")
    if d.get("reused_text") is not False:
        err(w, "reused_text must be false")
    for lang in ("en", "ru"):
        if not d.get("names", {}).get(lang):
            err(w, f"names.{lang} missing")
        if not isinstance(d.get("street_names", {}).get(lang), list):
            err(w, f"street_names.{lang} must be a list")
    if not d.get("routes", {}).get("list"):
        err(w, "routes.list missing")
    ids = set()
    for s in d.get("sources", []):
        check_source(w, s, True)
        if not s.get("supports"):
            err(w, f"source {s.get('id')} missing supports")
        ids.add(s.get("id"))
    if not ids:
        err(w, "no sources")
    used = set()
    for lang in ("en", "ru"):
        sec = d.get(lang, {})
        for f in ("summary", "effects", "risks", "advice"):
            text = sec.get(f)
            if not text:
                err(w, f"{lang}.{f} missing")
                continue
            refs = set(REF.findall(text))
            used |= refs
            for r in refs - ids:
                err(w, f"{lang}.{f} cites unknown source {r}")
        if lang == "ru" and re.search(r"\b(ты|тебя|тебе|твой|твоя|твои)\b", " ".join(str(v) for v in sec.values()), re.I):
            err(w, "Russian text must use «вы», not «ты»")
    for k, v in d.get("timing", {}).items():
        if v.get("source") not in ids:
            err(w, f"timing.{k} cites unknown source")
        if not v.get("en") or not v.get("ru"):
            err(w, f"timing.{k} needs en and ru")
        used.add(v.get("source"))
    for s in ids - used:
        err(w, f"source {s} is never cited")
    substances[slug] = d


def check_rules(name, allowed):
    path = ROOT / "combinations" / name
    d = load(path)
    if d is None:
        return {}
    seen = {}
    for i, r in enumerate(d.get("rule", [])):
        w = f"{name} rule {i + 1} ({r.get('a')}+{r.get('b')})"
        a, b = r.get("a"), r.get("b")
        if a not in allowed or b not in allowed:
            err(w, "a/b not a known class or slug")
        if a is not None and b is not None and a > b:
            err(w, "a must sort before or equal b")
        if r.get("category") not in CATEGORIES:
            err(w, "bad category")
        if r.get("confidence") not in CONFIDENCE:
            err(w, "bad confidence")
        if not r.get("en") or not r.get("ru"):
            err(w, "needs en and ru text")
        if not r.get("sources"):
            err(w, "needs at least one source")
        for s in r.get("sources", []):
            check_source(w, s, False)
        key = (a, b)
        if key in seen:
            err(w, "duplicate rule")
        seen[key] = r
    return seen


class_rules = check_rules("classes.toml", CLASSES)
pair_rules = check_rules("pairs.toml", set(substances))

used_classes = {d["class"] for d in substances.values() if d.get("class") in CLASSES}
rule_classes = {c for k in class_rules for c in k}
all_classes = used_classes | rule_classes
missing = [p for p in combinations_with_replacement(sorted(all_classes), 2) if p not in class_rules]
for p in missing:
    err("classes.toml", f"no rule for class pair {p[0]} + {p[1]}")

print(f"substances: {len(substances)}")
print(f"classes used: {len(used_classes)} ({', '.join(sorted(used_classes))})")
n = len(all_classes)
print(f"class pairs needed: {n * (n + 1) // 2}, covered: {n * (n + 1) // 2 - len(missing)}")
print(f"pair overrides: {len(pair_rules)}")
if errors:
    print(f"{len(errors)} problem(s):")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print("content pack OK")
