"""Where forms come from: one file, a folder, or a .zip of many (.lrmx, or .lrm with sibling .pic).

`read_path(path)` and `read_upload(name, bytes)` give the files in a stable order; `parse_all` reads each one
and never stops at a bad file: an unreadable file becomes a `Parsed` with the reason.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .formdata import AdFormData, FormError
from .lrm import parse_lrm
from .lrmx import parse_lrmx

FORM_SUFFIXES = (".lrmx", ".lrm")
MAX_FILES = 5000
MAX_FILE_BYTES = 20 * 1024 * 1024  # a form with a photo is well under 1 MB
MAX_TOTAL_BYTES = 1024 * 1024 * 1024


@dataclass
class SourceFile:
    name: str  # path inside the folder or zip, for the report
    data: bytes
    photo: bytes | None = None  # the .pic beside a .lrm
    error: str = ""  # why it could not even be read


@dataclass
class Parsed:
    name: str
    form: AdFormData | None
    error: str = ""


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store GBK names without the UTF-8 flag; Python reads them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _pair(entries: dict[str, bytes], errors: list[SourceFile]) -> list[SourceFile]:
    """Forms of a name → bytes mapping, each .lrm with its .pic; other files are reported (not .pic)."""
    stems = {}
    for name in entries:
        p = PurePosixPath(name)
        if p.suffix.lower() == ".pic":
            stems[str(p.with_suffix("")).lower()] = entries[name]
    out = []
    for name in sorted(entries):
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".lrmx":
            out.append(SourceFile(name, entries[name]))
        elif suffix == ".lrm":
            out.append(SourceFile(name, entries[name], stems.get(str(PurePosixPath(name).with_suffix("")).lower())))
        elif suffix not in (".pic",) and not name.endswith("/"):
            errors.append(SourceFile(name, b"", error="不是任免审批表文件（只接受 .lrmx、.lrm 和 .pic）"))
    return out


def read_zip(name: str, data: bytes) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [SourceFile(name, b"", error="压缩包已损坏，无法打开")]
    entries: dict[str, bytes] = {}
    errors: list[SourceFile] = []
    total = 0
    infos = [i for i in archive.infolist() if not i.is_dir() and not _hidden(_zip_name(i))]
    if len(infos) > MAX_FILES:
        return [SourceFile(name, b"", error=f"压缩包内文件太多（{len(infos)} 个，一次最多 {MAX_FILES} 个）")]
    for info in infos:
        member = f"{name}/{_zip_name(info)}"
        if info.file_size > MAX_FILE_BYTES:
            errors.append(SourceFile(member, b"", error="文件太大，不像任免审批表"))
            continue
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            errors.append(SourceFile(member, b"", error="压缩包解压后太大，其余文件未读取"))
            break
        try:
            entries[member] = archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            errors.append(SourceFile(member, b"", error=f"压缩包中的这个文件已损坏（{exc}）"))
    return _pair(entries, errors) + errors


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def read_upload(name: str, data: bytes) -> list[SourceFile]:
    """One uploaded file: a .zip is opened, a .lrmx/.lrm is taken as it is."""
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return read_zip(name, data)
    return read_uploads([(name, data)])


def read_uploads(files: list[tuple[str, bytes]]) -> list[SourceFile]:
    """Several uploaded files (zips opened, each .lrm paired with the .pic of the same name)."""
    entries: dict[str, bytes] = {}
    out: list[SourceFile] = []
    errors: list[SourceFile] = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            out.extend(read_zip(name, data))
        else:
            entries[name] = data
    return out + _pair(entries, errors) + errors


def read_path(path: str | Path) -> list[SourceFile]:
    """A file (.lrmx, .lrm, .zip) or a folder (searched recursively)."""
    path = Path(path)
    if path.is_dir():
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(str(p.relative_to(path)))]
        entries, zips = {}, []
        for p in files:
            rel = str(p.relative_to(path))
            if p.suffix.lower() == ".zip":
                zips.extend(read_zip(rel, p.read_bytes()))
            else:
                entries[rel] = p.read_bytes()
        errors: list[SourceFile] = []
        return _pair(entries, errors) + zips + errors
    if path.suffix.lower() == ".zip":
        return read_zip(path.name, path.read_bytes())
    if path.suffix.lower() == ".lrm":
        pic = path.with_suffix(".pic")
        if not pic.exists():
            pic = path.with_suffix(".PIC")
        return [SourceFile(path.name, path.read_bytes(), pic.read_bytes() if pic.exists() else None)]
    return read_uploads([(path.name, path.read_bytes())])


def parse_source(src: SourceFile) -> Parsed:
    if src.error:
        return Parsed(src.name, None, src.error)
    try:
        if src.name.lower().endswith(".lrm"):
            return Parsed(src.name, parse_lrm(src.data, src.photo))
        return Parsed(src.name, parse_lrmx(src.data))
    except FormError as exc:
        return Parsed(src.name, None, str(exc))
    except Exception as exc:  # noqa: BLE001 — a reader bug must not stop the other files; report it
        return Parsed(src.name, None, f"无法读取（{type(exc).__name__}: {exc}）")


def parse_all(sources: list[SourceFile]) -> list[Parsed]:
    return [parse_source(s) for s in sources]
