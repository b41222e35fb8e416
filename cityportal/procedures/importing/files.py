"""Reading catalogue files (YAML or JSON, by extension) into one checked catalogue."""

import json
from pathlib import Path

import yaml

from .problems import Problems
from .schema import Catalogue, KnownCodes, check_references, read_document

YAML_SUFFIXES = {".yaml", ".yml"}
SUFFIXES = {*YAML_SUFFIXES, ".json"}


# libyaml's parser when PyYAML was built with it (ten times faster on a 300-guide catalogue).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(SafeLoader):
    """YAML's safe loader, refusing a mapping that gives the same key twice (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key “{key}” is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_date_or_text(self, node):
        """A date YAML cannot build (2026-13-01) stays text, for the reader to name the field."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_date_or_text)


def parse_file(path: Path, problems: Problems) -> object:
    if path.suffix.lower() not in SUFFIXES:
        problems.add(path.name, "", "not a catalogue file: the name must end in .yaml, .yml or .json")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(path.name, "", f"no such file ({path})")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.add(path.name, "", f"cannot be read as UTF-8 text ({error})")
        return None
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            problems.add(path.name, "", f"{where}not valid YAML ({getattr(error, 'problem', None) or error})")
            return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problems.add(
            path.name, "", f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        )
        return None


def read_catalogue(paths: list[Path], known: KnownCodes | None = None) -> tuple[Catalogue, Problems]:
    """Parse and check the files as one catalogue; the problems list is empty when it may be imported."""
    problems = Problems()
    documents = {}
    for path in paths:
        data = parse_file(Path(path), problems)
        if data is not None:
            documents[Path(path).name] = data
    return read_documents(documents, known, problems)


def read_documents(
    documents: dict[str, object], known: KnownCodes | None = None, problems: Problems | None = None
) -> tuple[Catalogue, Problems]:
    """Check documents already parsed (e.g. built by a generator) as one catalogue; each is named by
    its key in the problems."""
    problems = problems or Problems()
    catalogue = Catalogue()
    for name, data in documents.items():
        read_document(name, data, catalogue, problems)
    check_references(catalogue, known or KnownCodes(), problems)
    return catalogue, problems
