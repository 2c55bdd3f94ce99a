"""Zip archives from users, checked before anything is extracted.

Every entry is looked at in the central directory first: the number of entries, the total
uncompressed size, the compression ratio (a zip bomb packs gigabytes into kilobytes) and each
name (`../`, absolute paths, drive letters and links would write outside the target folder).
Only then are the entries extracted, with the sizes enforced again while writing, because the
central directory is what the sender says, not what the data is.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from gis.errors import UnreadableFile, UnsafeArchive
from gis.io.limits import ImportLimits, megabytes

CHUNK = 1 << 20


def _unsafe_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":") or "\x00" in name


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def check_zip(archive: zipfile.ZipFile, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The archive's file entries, or `UnsafeArchive` naming the first rule it breaks."""
    infos = archive.infolist()
    if len(infos) > limits.zip_max_entries:
        raise UnsafeArchive("import.zip_entries", count=len(infos), limit=limits.zip_max_entries)
    total = sum(i.file_size for i in infos)
    if total > limits.zip_max_bytes:
        raise UnsafeArchive("import.zip_total", size=megabytes(total), limit=megabytes(limits.zip_max_bytes))
    for info in infos:
        if _unsafe_name(info.filename) or _is_link(info):
            raise UnsafeArchive("import.zip_path", name=info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > CHUNK and ratio > limits.zip_max_ratio:
            raise UnsafeArchive(
                "import.zip_ratio",
                name=info.filename,
                ratio=f"{ratio:.0f}",
                limit=f"{limits.zip_max_ratio:.0f}",
            )
    return [i for i in infos if not i.is_dir()]


def _copy_bounded(source: IO[bytes], target: Path, budget: int) -> int:
    """Copy at most `budget` bytes; refuse an entry that turns out larger than declared."""
    written = 0
    with target.open("wb") as out:
        while block := source.read(CHUNK):
            written += len(block)
            if written > budget:
                raise UnsafeArchive("import.zip_total", size=megabytes(written), limit=megabytes(budget))
            out.write(block)
    return written


def extract_zip(path: Path, target: Path, limits: ImportLimits) -> Path:
    """Check then extract the zip at `path` into the empty folder `target`; return `target`."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = check_zip(archive, limits)
            budget = limits.zip_max_bytes
            for info in entries:
                destination = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source:
                    budget -= _copy_bounded(source, destination, min(budget, info.file_size))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise UnreadableFile("import.zip_broken", reason=str(exc)[:200]) from None
    return target
