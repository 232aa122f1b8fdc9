"""Keeping the catalogues in step with the code: ``python -m bot.i18n.messages``.

It finds every text marked for translation (``_``, ``ngettext``, ``pgettext``, ``N_``) in ``bot/``
and ``adapters/``, and brings each language's ``.po`` files up to date: new texts are added
untranslated, texts gone from the code are dropped, and a translation whose English changed is
marked fuzzy (left out until a translator reviews it). Then it lists what still needs a
translator. Texts are split into domains by where they live, so a feature's texts are in its own
file: ``bot/checkins/`` in ``checkins.po``, ``adapters/slack/`` in ``slack.po``, the rest of the
core in ``kith.po``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

FEATURE_DOMAINS = frozenset({"checkins", "buddies", "kindness", "safety", "privacy"})
CORE_DOMAIN = "kith"
SOURCES = ("bot", "adapters")
# The marking functions and where their message ids stand (Babel's keyword specs).
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "stored_plural": (1, 2),  # bot.i18n.stored: worded when read
}


def domain_of(path: str) -> str:
    """``bot/checkins/post.py`` → ``checkins``; ``adapters/slack/app.py`` → ``slack``."""
    parts = Path(path).parts
    if len(parts) > 2 and parts[0] == "bot" and parts[1] in FEATURE_DOMAINS:
        return parts[1]
    if len(parts) > 2 and parts[0] == "adapters":
        return parts[1]
    return CORE_DOMAIN


def extract(root: Path) -> dict[str, Catalog]:
    """Every marked text in the code, one template catalogue per domain."""
    templates: dict[str, Catalog] = {}
    for source in SOURCES:
        found = extract_from_dir(
            root / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
        )
        for filename, lineno, message, comments, context in found:
            relative = f"{source}/{filename}"
            domain = domain_of(relative)
            template = templates.setdefault(domain, Catalog(domain=domain))
            template.add(
                message, locations=[(relative, lineno)], auto_comments=comments, context=context
            )
    return templates


def po_path(root: Path, code: str, domain: str) -> Path:
    return root / "locales" / code / "LC_MESSAGES" / f"{domain}.po"


def update(root: Path) -> dict[str, list[str]]:
    """Bring every language's catalogues up to date; what each still lacks, by file."""
    templates = extract(root)
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        if lang.code == DEFAULT_LANGUAGE:
            continue
        for domain, template in sorted(templates.items()):
            path = po_path(root, lang.code, domain)
            if path.exists():
                with path.open("rb") as handle:
                    catalogue = read_po(handle, locale=lang.code, domain=domain)
            else:
                catalogue = Catalog(
                    locale=lang.code,
                    domain=domain,
                    project="Kith",
                    copyright_holder="the Kith contributors",
                    fuzzy=False,
                )
            catalogue.update(template, update_header_comment=False, update_creation_date=False)
            catalogue.obsolete.clear()  # git remembers what was there before
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalogue, width=100, sort_output=True, include_lineno=False)
            lacking = [
                str(m.id) for m in catalogue if m.id and (m.fuzzy or not _translated(m.string))
            ]
            if lacking:
                missing[str(path.relative_to(root))] = lacking
    return missing


def _translated(string: object) -> bool:
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)


def main() -> int:
    root = Path(__file__).resolve().parent.parent.parent
    missing = update(root)
    for path, ids in missing.items():
        print(f"{path}: {len(ids)} to translate")
        for ident in ids:
            print(f"  {ident}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
