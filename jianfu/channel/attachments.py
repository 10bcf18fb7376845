"""Attachments of burden reports: checked by content, re-encoded, stored under a random name.

Why so strict: the files come from anyone holding a monitoring point's link, and
a photo taken on a phone carries GPS coordinates and the device in its EXIF —
enough to find the village, or the person, behind an anonymous report.
"""

import datetime as dt
import io
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow logs every EXIF tag it reads (GPS position and camera included) at DEBUG;
# an uploaded photo must never reach the logs, whatever LOG_LEVEL says.
logging.getLogger("PIL").setLevel(logging.INFO)

MAX_FILES = 5
MAX_BYTES = 8 * 1024 * 1024
# Decompression bombs: a small file that unpacks to a huge bitmap.
MAX_PIXELS = 40_000_000

# content type (from the bytes) → (accepted name endings, stored ending, label)
ALLOWED = {
    "image/jpeg": ((".jpg", ".jpeg"), ".jpg", "JPEG 图片"),
    "image/png": ((".png",), ".png", "PNG 图片"),
    "image/webp": ((".webp",), ".webp", "WebP 图片"),
    "application/pdf": ((".pdf",), ".pdf", "PDF 文件"),
}
ALLOWED_TEXT = "JPG、PNG、WebP 图片或 PDF 文件"


class AttachmentError(ValueError):
    """A refused file; the message (Chinese) names the file and why."""


@dataclass(frozen=True)
class CleanFile:
    display_name: str
    content_type: str
    ending: str
    data: bytes


def storage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "channel"


def _check_name(name: str) -> str:
    raw = name or ""
    if not raw.strip():
        raise AttachmentError("附件缺少文件名。")
    if any(ch in raw for ch in ("/", "\\", "\x00")) or ".." in raw or raw.startswith("."):
        raise AttachmentError(f"附件文件名“{raw[:60]}”含有路径或特殊字符（如 / \\ ..），已拒收，请改名后再上传。")
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", raw) if unicodedata.category(ch)[0] != "C").strip()
    if not cleaned:
        raise AttachmentError("附件文件名无效，请改名后再上传。")
    return cleaned[-120:]


def _reencode_image(data: bytes, kind: str, name: str) -> bytes:
    """Decode and encode the picture again: what comes out holds pixels only, no EXIF/GPS/XMP."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise AttachmentError(f"图片“{name}”尺寸过大（{width}×{height}），请缩小后再上传。")
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the picture upright once the EXIF is gone
            out = io.BytesIO()
            if kind == "image/jpeg":
                img.convert("RGB").save(out, format="JPEG", quality=88)
            elif kind == "image/png":
                if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    img = img.convert("RGBA")
                img.save(out, format="PNG")
            else:
                img.save(out, format="WEBP", quality=88)
            return out.getvalue()
    except AttachmentError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise AttachmentError(f"图片“{name}”已损坏或无法识别，已拒收。") from exc


def clean_upload(name: str, data: bytes) -> CleanFile:
    """Check one file by its bytes, not its name; return what may be stored."""
    display = _check_name(name)
    if not data:
        raise AttachmentError(f"附件“{display}”是空文件。")
    if len(data) > MAX_BYTES:
        raise AttachmentError(
            f"附件“{display}”大小为 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限。"
        )
    guess = filetype.guess(data)
    kind = guess.mime if guess else None
    if kind not in ALLOWED:
        actual = f"实际内容为 {guess.mime}" if guess else "无法识别其内容"
        raise AttachmentError(f"附件“{display}”不是允许的类型（{actual}）；只收 {ALLOWED_TEXT}。")
    endings, stored_ending, label = ALLOWED[kind]
    if not display.lower().endswith(endings):
        raise AttachmentError(f"附件“{display}”的扩展名与内容不符：内容是{label}，扩展名应为 {'、'.join(endings)}。")
    if kind.startswith("image/"):
        data = _reencode_image(data, kind, display)
    return CleanFile(display_name=display, content_type=kind, ending=stored_ending, data=data)


def clean_uploads(files) -> list[CleanFile]:
    """Check every uploaded file before anything is written (all or nothing)."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise AttachmentError(f"最多上传 {MAX_FILES} 个附件，本次选择了 {len(files)} 个。")
    cleaned = []
    for upload in files:
        if upload.size and upload.size > MAX_BYTES:
            raise AttachmentError(
                f"附件“{_check_name(upload.name)}”大小为 {upload.size / 1024 / 1024:.1f} MB，"
                f"超过 {MAX_BYTES // 1024 // 1024} MB 的上限。"
            )
        cleaned.append(clean_upload(upload.name, upload.read()))
    return cleaned


def write_file(clean: CleanFile, day: dt.date) -> str:
    """Store under a random name and return it; the file's mtime is set to the day only."""
    directory = storage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + clean.ending
    path = directory / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(clean.data)
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min)).timestamp()
    os.utime(path, (midnight, midnight))
    return stored


def path_of(stored_name: str) -> Path:
    """The path of a stored file; refuses anything that is not one of our random names."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise AttachmentError("附件不存在。")
    return storage_dir() / stored_name


def remove_files(names) -> None:
    for name in names:
        try:
            path_of(name).unlink(missing_ok=True)
        except (AttachmentError, OSError):
            continue
