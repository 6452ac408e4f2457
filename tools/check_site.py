"""Checks a built MkDocs site: no broken link, image or anchor, no split table.

Usage: `python tools/check_site.py site [--base-path /mnist-arith/]`

Reads every `.html` file of the site folder and fails (exit 1, one line per
fault) on

- a link or image to a page or file of the site that does not exist, or to an
  anchor (`#name`) that the target page does not define;
- an API "Returns" table with more than one row: every function returns one
  value, so a second row is a docstring continuation line parsed as an item.

Links to other sites are not fetched (the docs build offline). Root-absolute
links (`/mnist-arith/...`, as in `404.html`) are resolved under `--base-path`,
the path of the configured `site_url`.
"""

import argparse
import html.parser
import pathlib
import sys
import urllib.parse


class _Page(html.parser.HTMLParser):
    """Collects the links, anchors and Returns-table row counts of one page."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.anchors = set()
        self.returns_rows = []
        self._after_returns_title = False
        self._in_returns_table = False

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        for name in ("id", "name"):
            if attributes.get(name):
                self.anchors.add(attributes[name])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in ("img", "script") and attributes.get("src"):
            self.links.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "table" and self._after_returns_title:
            self._in_returns_table = True
            self._after_returns_title = False
            self.returns_rows.append(0)
        item = "doc-section-item" in (attributes.get("class") or "")
        if tag == "tr" and self._in_returns_table and item:
            self.returns_rows[-1] += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_returns_table = False

    def handle_data(self, data):
        if data.strip() == "Returns:":
            self._after_returns_title = True


def _target(site: pathlib.Path, page: pathlib.Path, path: str, base_path: str):
    """The file a site-relative or root-absolute link path points to."""
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None
        resolved = site / path[len(base_path) :]
    else:
        resolved = page.parent / path
    if resolved.is_dir() or path.endswith("/"):
        resolved = resolved / "index.html"
    return resolved


def check_site(site: pathlib.Path, base_path: str = "/") -> list[str]:
    """The faults of a built site, one line each; empty when it is sound."""
    pages = {path.resolve(): _parse(path) for path in site.rglob("*.html")}
    faults = []
    for path, page in sorted(pages.items()):
        name = path.relative_to(site.resolve())
        for rows in page.returns_rows:
            if rows > 1:
                faults.append(f"{name}: a Returns table with {rows} rows")
        for link in page.links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("mailto:"):
                continue
            path_part = urllib.parse.unquote(parts.path)
            if not path_part:
                target = path
            else:
                target = _target(site, path, path_part, base_path)
                if target is None:
                    faults.append(f"{name}: a link outside the site: {link}")
                    continue
                target = target.resolve()
                if not target.exists():
                    faults.append(f"{name}: a broken link: {link}")
                    continue
            if parts.fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else set()
                if parts.fragment not in anchors:
                    faults.append(f"{name}: a missing anchor: {link}")
    return faults


def _parse(path: pathlib.Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=pathlib.Path, help="the built site folder")
    parser.add_argument(
        "--base-path", default="/", help="the path of the site's site_url"
    )
    arguments = parser.parse_args(argv)
    if not (arguments.site / "index.html").is_file():
        parser.error(f"no built site in {arguments.site}")
    faults = check_site(arguments.site, arguments.base_path)
    for fault in faults:
        print(fault)
    pages = len(list(arguments.site.rglob("*.html")))
    print(f"{pages} pages checked, {len(faults)} faults")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
