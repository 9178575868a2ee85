#!/usr/bin/env python3
"""Check the bundled knowledge-base articles in this folder (content/kb).

For every `<slug>.<lang>.md` file it checks that:
- the file starts with TOML front matter between `+++` lines that parses with tomllib;
- the required fields are present and valid (slug, lang, translation_key, topic, confidence, ...);
- the slug and language match the file name, and `reused_text` is false;
- every source has id, title, publisher, year and url, ids are 1..n, and no excluded site is cited;
- every inline citation [n] in the body names a listed source, and every listed source is cited;
- the body has no raw HTML and ends with the harm-reduction disclaimer pointing to /ask;
- every English article has a Russian twin with the same slug and translation_key, and vice versa.

Run: python3 content/kb/check_kb.py [DIR]   (exit status 0 when everything passes)
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

KB_DIR = Path(__file__).resolve().parent
TOPICS = {
    "overdose", "injection", "substances", "checking", "infections",
    "mental_health", "legal", "supplies", "other",
}
CONFIDENCE = {"high", "medium", "low"}
LANGS = {"en", "ru"}
REQUIRED = {
    "slug": str, "lang": str, "translation_key": str, "title": str, "summary": str,
    "topic": str, "tags": list, "confidence": str, "reused_text": bool,
    "reviewed_by": str, "reviewed_at": str,
}
SOURCE_FIELDS = {"id": int, "title": str, "publisher": str, "year": int, "url": str}
EXCLUDED_SITES = ("tripsit", "psychonautwiki", "erowid", "wikipedia")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_RE = re.compile(r"^(?P<slug>[a-z0-9-]+)\.(?P<lang>[a-z]{2})\.md$")
CITE_RE = re.compile(r"\[(\d+)\]")
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
DISCLAIMER = {
    "en": re.compile(r"not medical (or legal )?advice.*\(/ask\)"),
    "ru": re.compile(r"не медицинская (или юридическая )?консультация.*\(/ask\)"),
}


def split_front_matter(text: str) -> tuple[str, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ValueError("file must start with a '+++' line")
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    raise ValueError("front matter is not closed with a '+++' line")


def check_file(path: Path) -> tuple[list[str], dict | None]:
    errors: list[str] = []
    m = FILE_RE.match(path.name)
    if not m:
        return [f"file name must be <slug>.<lang>.md"], None
    try:
        fm_text, body = split_front_matter(path.read_text(encoding="utf-8"))
        fm = tomllib.loads(fm_text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        return [f"front matter: {exc}"], None

    for key, typ in REQUIRED.items():
        if key not in fm:
            errors.append(f"missing field '{key}'")
        elif not isinstance(fm[key], typ):
            errors.append(f"field '{key}' must be {typ.__name__}")
    if errors:
        return errors, fm

    if fm["slug"] != m["slug"] or not SLUG_RE.match(fm["slug"]):
        errors.append("slug must be kebab-case and match the file name")
    if fm["lang"] != m["lang"] or fm["lang"] not in LANGS:
        errors.append("lang must be en or ru and match the file name")
    if fm["translation_key"] != fm["slug"]:
        errors.append("translation_key must equal the slug")
    if fm["topic"] not in TOPICS:
        errors.append(f"unknown topic '{fm['topic']}'")
    if fm["confidence"] not in CONFIDENCE:
        errors.append(f"unknown confidence '{fm['confidence']}'")
    if fm["reused_text"] is not False:
        errors.append("reused_text must be false")
    if not fm["title"].strip() or not fm["summary"].strip():
        errors.append("title and summary must not be empty")
    if not fm["tags"] or not all(isinstance(t, str) and t for t in fm["tags"]):
        errors.append("tags must be a non-empty list of strings")

    sources = fm.get("sources", [])
    if not isinstance(sources, list):
        errors.append("sources must be an array of tables")
        sources = []
    ids = []
    for n, src in enumerate(sources, start=1):
        for key, typ in SOURCE_FIELDS.items():
            if not isinstance(src.get(key), typ):
                errors.append(f"source #{n}: field '{key}' missing or not {typ.__name__}")
        ids.append(src.get("id"))
        url = str(src.get("url", "")).lower()
        if not url.startswith("https://") and not url.startswith("http://"):
            errors.append(f"source #{n}: url must be http(s)")
        if any(site in url for site in EXCLUDED_SITES):
            errors.append(f"source #{n}: cites an excluded site")
    if ids != list(range(1, len(ids) + 1)):
        errors.append("source ids must be 1..n in order")

    cited = {int(x) for x in CITE_RE.findall(body)}
    unknown = sorted(cited - set(ids))
    if unknown:
        errors.append(f"body cites unknown sources {unknown}")
    unused = sorted(set(ids) - cited)
    if unused:
        errors.append(f"sources never cited in the body: {unused}")
    if HTML_RE.search(body):
        errors.append("body contains raw HTML")
    last_line = body.strip().split("\n")[-1].lower()
    if not DISCLAIMER[fm["lang"]].search(last_line):
        errors.append("body must end with the disclaimer line linking to /ask")
    if not body.strip():
        errors.append("empty body")
    return errors, fm


def main(argv: list[str]) -> int:
    kb_dir = Path(argv[1]) if len(argv) > 1 else KB_DIR
    files = sorted(kb_dir.glob("*.md"))
    bad_files = 0
    seen: dict[tuple[str, str], dict] = {}
    for path in files:
        errors, fm = check_file(path)
        if errors:
            bad_files += 1
            for e in errors:
                print(f"FAIL {path.name}: {e}")
        if fm and isinstance(fm.get("slug"), str) and isinstance(fm.get("lang"), str):
            seen[(fm["slug"], fm["lang"])] = fm

    bad_pairs = 0
    slugs = {slug for slug, _ in seen}
    for slug in sorted(slugs):
        en, ru = seen.get((slug, "en")), seen.get((slug, "ru"))
        if en is None or ru is None:
            bad_pairs += 1
            print(f"FAIL {slug}: needs both an en and a ru file")
        elif en.get("translation_key") != ru.get("translation_key") or en.get("topic") != ru.get("topic"):
            bad_pairs += 1
            print(f"FAIL {slug}: en and ru differ in translation_key or topic")

    print(f"{len(files)} files, {len(slugs)} slugs, {bad_pairs} slugs without a matching en/ru twin")
    print(f"{len(files) - bad_files} passed, {bad_files} failed")
    return 1 if bad_files or bad_pairs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
