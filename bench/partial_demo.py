"""Run `load_demo` while the demo files still link to pages nobody has written yet.

`manage.py load_demo` refuses such files (rightly: the finished demo must be consistent). While other
people are still adding demo pages, the benchmark falls back to this script, which leaves out the
links to missing pages, names them, and then runs load_demo unchanged. It is started by run.py as
`python bench/partial_demo.py` with the scratch environment; it never touches the demo files.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402 - after the path is set

django.setup()

from django.core.management import call_command  # noqa: E402

from cityportal.home.demo import loader  # noqa: E402


def drop_missing_links(pages: list) -> None:
    slugs = {page.slug for page in pages}
    missing = set()
    for page in pages:
        for texts in page.texts.values():
            for name in loader.LINK_FIELDS:
                if name not in texts:
                    continue
                kept = []
                for block in texts[name]:
                    value = block[1]
                    target = value[0] if isinstance(value, list) else value
                    if target in slugs:
                        kept.append(block)
                    else:
                        missing.add(f"{page.slug} → {target}")
                texts[name] = kept
    for link in sorted(missing):
        print(f"left out the link {link}: no demo page has that slug yet")


loader.check_links = drop_missing_links
call_command("load_demo")
