"""Which objects may be shown rather than downloaded, and how: the types that cannot run script."""

from __future__ import annotations

TEXT_TYPES = ("application/json", "application/xml", "application/x-yaml", "application/yaml", "application/toml")
PREVIEW_TEXT_BYTES = 64 * 1024
THUMBNAIL_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")  # raster images: an <img> runs no script
THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024  # larger images are not fetched whole just to be shown small


def has_thumbnail(key: str, size: int) -> bool:
    """Whether the grid view shows the object itself, loaded by the browser from the store, as its thumbnail."""
    return key.lower().endswith(THUMBNAIL_SUFFIXES) and 0 < size <= THUMBNAIL_MAX_BYTES


def preview_kind(content_type: str) -> str | None:
    """How the details page may show an object, from the type the store will send: image, video, audio, pdf or text
    (read by the page as plain text). None for what could run script if rendered (HTML, SVG, XML with stylesheets,
    anything unknown): those are only downloaded. Rendering always happens on the store's origin, never ours."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "image/svg+xml":
        return None
    if kind.startswith(("image/", "video/", "audio/")):
        return kind.split("/")[0]
    if kind == "application/pdf":
        return "pdf"
    if (kind.startswith("text/") and kind not in ("text/html", "text/xml")) or kind in TEXT_TYPES:
        return "text"
    return None


def shown_as(content_type: str) -> str | None:
    """The type an object shown in the browser is served with, pinned in the signed URL so that a later upload of
    markup under the same key is not rendered by a link signed for a picture: text of any kind is read as plain
    text. None when the object is only downloaded."""
    kind = preview_kind(content_type)
    if kind is None:
        return None
    return "text/plain; charset=utf-8" if kind == "text" else content_type.split(";")[0].strip().lower()


MARKUP_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl")


def renders_markup(content_type: str) -> bool:
    """True for types a browser renders as a document that can run script (HTML, SVG, XML with stylesheets), and
    for no type at all, which browsers sniff. Such objects are never handed out to be shown inline: the store's
    origin may be on the gateway's site, where a page could plant cookies for it."""
    kind = content_type.split(";")[0].strip().lower()
    return not kind or kind in MARKUP_TYPES or kind.endswith("+xml")
