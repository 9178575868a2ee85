#!/usr/bin/env python3
"""Check the Netreach content pack: TOML parses, schema fields, citations, class-pair coverage,
and the text readers see (profiles, rules, kb articles): only known placeholders, and no literal
emergency or phone number (the same rules as the Rust validator, crates/content/src/placeholders.rs).

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

# Placeholders filled from the organisation's configuration when the text is rendered.
INLINE = {"emergency_number"}
LINES = {"crisis_line", "naloxone_contact"}
# Emergency numbers refused as standalone tokens (see placeholders.rs for the countries).
EMERGENCY_NUMBERS = {"01", "02", "03", "000", "101", "102", "103", "104", "110", "112", "113",
                     "118", "119", "911", "999"}
UNITS = {"mg", "мг", "g", "г", "mcg", "мкг", "µg", "ug", "ml", "мл", "l", "л", "kg", "кг", "mmhg", "mm", "мм",
         "cm", "см", "iu", "ме", "ng", "нг", "h", "ч", "hour", "hours", "час", "часа", "часов", "min", "мин",
         "minute", "minutes", "минут", "минуты", "day", "days", "дня", "дней", "week", "weeks", "недель", "year",
         "years", "лет", "people", "человек", "times", "раз", "bpm", "уд", "beats", "ударов", "удара", "percent",
         "процентов", "mmol", "ммоль", "tablets", "таблеток", "таблетки", "pills", "drops", "капель", "doses", "доз"}
TOUCH_BEFORE = ".,/:=_#–—×x%°"
TOUCH_AFTER = "/:=_%°"


def find_numbers(line):
    """Literal phone or emergency numbers in one line (mirrors placeholders::find_numbers)."""
    found, i, n = [], 0, len(line)
    while i < n:
        if not line[i].isdigit() or not line[i].isascii() or (i > 0 and line[i - 1].isdigit()):
            i += 1
            continue
        start, groups, seps = i, [""], []
        while i < n:
            c = line[i]
            if c.isascii() and c.isdigit():
                groups[-1] += c
                i += 1
            elif c in " -" and i + 1 < n and line[i + 1].isascii() and line[i + 1].isdigit():
                seps.append(c)
                groups.append("")
                i += 1
            else:
                break
        end = i
        before = line[start - 1] if start > 0 else None
        after = line[end] if end < n else None
        nxt = line[end + 1] if end + 1 < n else ""
        plus = before == "+"
        if (before is not None and not plus and (before.isalnum() or before in TOUCH_BEFORE)) or \
                (after is not None and (after.isalnum() or after in TOUCH_AFTER)):
            continue
        if after in (".", ",", "–", "—", "-") and nxt.isascii() and nxt.isdigit():
            continue
        digits = sum(len(g) for g in groups)
        text = line[start:end]
        if plus:
            phone = digits >= 6
        else:
            phone = (len(groups) >= 3 and digits >= 6) or \
                (len(groups) == 2 and seps[0] == " " and digits >= 7) or (len(groups) == 1 and digits >= 7)
        if phone:
            found.append("+" + text if plus else text)
            continue
        if len(groups) == 1 and text in EMERGENCY_NUMBERS:
            word = re.match(r"[\s\u00a0]*([^\W\d_]+|µ\w*)", line[end:])
            if not (word and word.group(1).lower() in UNITS):
                found.append(text)
    return found


def check_text(where, text, first_line=1):
    """Placeholders known and well placed; no literal emergency or phone number."""
    for no, line in enumerate(str(text).splitlines(), first_line):
        for m in re.finditer(r"\{\{(.*?)\}\}", line):
            name = m.group(1)
            if name in LINES:
                item = re.sub(r"^([-*+]|\d+\.)\s+", "", line.strip()).strip()
                if item != "{{" + name + "}}":
                    err(f"{where} line {no}", f"{{{{{name}}}}} must stand alone on its line")
            elif name not in INLINE:
                err(f"{where} line {no}", f"unknown placeholder {{{{{name}}}}}")
        if line.count("{{") > line.count("}}"):
            err(f"{where} line {no}", "a placeholder opened with {{ is not closed with }}")
        for number in find_numbers(line):
            err(f"{where} line {no}", f"{number!r} looks like a phone or emergency number: write "
                "{{emergency_number}}, or {{crisis_line}} / {{naloxone_contact}} on a line of their own")


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


def _self_test():
    """python3 check_pack.py --self-test: the number rules on the examples the Rust tests use."""
    refused = ["Вызовите скорую: 103 или 112.", "Call 911 now", "Dial 999.", "(000)", "Телефон доверия 8 800 2000 122",
               "Call +372 5555 5555", "+7(495)1234567", "Ring 123-45-67 any time", "Mobile 5123 4567",
               "Hotline 88002000122"]
    passed = ["Start with 100 mg and wait 2 hours.", "A 4 mg nasal spray since 2023.", "Doses of 100-200 mg [S1].",
              "Take 112 mg at most.", "From 2019-2023, and 1000–2000 mg.", "1.03 g, 0.112 ml, 3×103",
              "About 100 people died [2].",
              "See https://doi.org/10.1016/S0140-6736(13)61127-7 and https://example.org/112", "1 in 100 000",
              "Blood pressure above 180/110 mmHg", "Step 3. Wait 10 minutes, then 5-10 more.",
              "A pulse above 100, or 110 beats a minute"]
    bad = [t for t in refused if not find_numbers(t)] + [t for t in passed if find_numbers(t)]
    print("self-test:", "OK" if not bad else f"wrong on {bad}")
    return 0 if not bad else 1


if sys.argv[1:] == ["--self-test"]:
    sys.exit(_self_test())

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
        if not isinstance(d.get("brand_names", {}).get(lang, []), list):
            err(w, f"brand_names.{lang} must be a list")
        if not isinstance(d.get("search_aliases", {}).get(lang, []), list):
            err(w, f"search_aliases.{lang} must be a list")
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
            check_text(f"{w} {lang}.{f}", text)
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
        for lang in ("en", "ru"):
            check_text(f"{w} {lang}", r.get(lang, ""))
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

articles = 0
unreviewed = [f"substances/{slug}.toml" for slug, d in substances.items() if not str(d.get("reviewed_at", "")).strip()]
for path in sorted((ROOT / "kb").glob("*.md")):
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++", 2)
    if len(parts) == 3:
        articles += 1
        front = tomllib.loads(parts[1]) if parts[1].strip() else {}
        if not str(front.get("reviewed_at", "")).strip():
            unreviewed.append(f"kb/{path.name}")
        for f in ("title", "summary"):
            check_text(f"kb/{path.name} {f}", front.get(f, ""))
            if "{{" in str(front.get(f, "")):
                err(f"kb/{path.name} {f}", "placeholders belong in the body, not in the title or summary")
        check_text(f"kb/{path.name}", parts[2], (parts[0] + "+++" + parts[1] + "+++").count("\n") + 1)
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
print(f"articles checked for placeholders and numbers: {articles}")
if unreviewed:
    print(f"note: {len(unreviewed)} articles and profiles record no review (reviewed_at is empty); "
          "they are shown as awaiting the organisation's own clinical review")
if errors:
    print(f"{len(errors)} problem(s):")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print("content pack OK")

