"""Files an archive names, stored once: attachments as Wagtail documents, lead images as Wagtail images.

A file is found again by its content (SHA-1, which Wagtail records for both), so importing an archive
twice, or two policies attaching the same PDF, stores it once. An image's stored original has its
metadata stripped on save (core.images), so it is looked up by the hash of what that stripping makes.
Files stored by an import that is rolled back (a dry run, an error) are deleted again: the database
forgets them with the transaction, the file storage would not.
"""

import hashlib
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cityportal.core.images import strip_metadata

TITLE_LIMIT = 255


def sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class StoredFiles:
    def __init__(self):
        self.documents: dict[Path, object] = {}
        self.images: dict[Path, object] = {}
        self.written: list[tuple[object, str]] = []  # (storage, name) of every file stored in this import

    def document(self, path: Path, *, language: str, title: str):
        """The document holding this file's content, stored with its language and title if new."""
        if path in self.documents:
            return self.documents[path]
        document_model = get_document_model()
        data = path.read_bytes()
        digest = sha1(data)
        document = document_model.objects.filter(file_hash=digest).order_by("pk").first()
        if document is None:
            document = document_model(
                title=(title or path.stem)[:TITLE_LIMIT],
                language=language,
                file_size=len(data),
                file_hash=digest,
            )
            document.file.save(path.name, ContentFile(data), save=False)
            self.written.append((document.file.storage, document.file.name))
            document.save()
        self.documents[path] = document
        return document

    def image(self, path: Path, *, title: str):
        if path in self.images:
            return self.images[path]
        image_model = get_image_model()
        data = path.read_bytes()
        clean = strip_metadata(data, path.name)
        digest = sha1(clean.content if clean else data)
        image = image_model.objects.filter(file_hash=digest).order_by("pk").first()
        if image is None:
            image = image_model(
                title=(title or path.stem)[:TITLE_LIMIT], file_hash=digest, file_size=len(data)
            )
            # The original goes in: saving strips it (core.images) to exactly the content hashed above.
            image.file = ContentFile(data, name=path.name)
            image.save()
            self.written.append((image.file.storage, image.file.name))
        self.images[path] = image
        return image

    def forget(self) -> None:
        """Delete the files stored by this import (after a rollback)."""
        for storage, name in self.written:
            storage.delete(name)
        self.written.clear()
