"""Reading archive files (YAML or JSON, parsed as the procedure catalogue's are) and the files they name."""

from pathlib import Path

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from cityportal.procedures.importing.files import SUFFIXES, parse_file
from cityportal.procedures.importing.problems import Problems, Record

MAX_SIZE = {"image": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE, "document": settings.WAGTAILDOCS_MAX_UPLOAD_SIZE}


def parse_archive_file(path: Path, problems: Problems) -> object:
    if path.suffix.lower() not in SUFFIXES:
        problems.add(path.name, "", "not an archive file: the name must end in .yaml, .yml or .json")
        return None
    return parse_file(path, problems)


def checked_file(
    record: Record,
    name: str,
    base: Path,
    extensions: list[str],
    *,
    image: bool = False,
    required: bool = False,
) -> Path | None:
    """The file a record names (relative to its archive file), if it exists, has an accepted
    extension and size, and (for an image) opens as one."""
    value = record.text(name, required=required)
    if not value:
        return None
    path = base / value
    if path.suffix.lower().lstrip(".") not in extensions:
        record.report(name, f"“{value}”: the file must end in one of .{', .'.join(extensions)}")
        return None
    if not path.is_file():
        record.report(name, f"no such file ({path})")
        return None
    limit = MAX_SIZE["image" if image else "document"]
    if path.stat().st_size > limit:
        record.report(name, f"“{value}” is larger than {limit // (1024 * 1024)} MB")
        return None
    if image:
        try:
            with Image.open(path) as picture:
                picture.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            record.report(name, f"“{value}” cannot be read as an image ({error})")
            return None
    return path.resolve()
