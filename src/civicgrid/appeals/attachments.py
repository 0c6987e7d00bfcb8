"""What an uploaded attachment must be: an allowed type, whose first bytes agree with it, within the size
limit.

The browser's declared content type is not trusted alone: a file's signature must match it, so a script
renamed .jpg never reaches the media directory.
"""

from django.core.files.uploadedfile import UploadedFile

from .conf import appeals_setting
from .errors import AppealError

# (offset, magic bytes) per content type, and the extension the stored file gets.
SIGNATURES = {
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/webp": ((0, b"RIFF"), (8, b"WEBP")),
    "application/pdf": ((0, b"%PDF-"),),
    "video/mp4": ((4, b"ftyp"),),
}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
}


# The names people know the types by. A field that asks for a 照片 (portal, patrol, intake) takes the allowed
# image types only; the other paths take every allowed type (a 办理凭证 may be a scanned PDF).
TYPE_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "application/pdf": "PDF",
    "video/mp4": "MP4 视频",
}


def photo_types() -> list[str]:
    allowed = appeals_setting("ATTACHMENT_CONTENT_TYPES")
    return [t for t in TYPE_NAMES if t.startswith("image/") and t in allowed]


def _photo_formats() -> str:
    names = [TYPE_NAMES[t] for t in photo_types()]
    return f"{'、'.join(names[:-1])} 或 {names[-1]}" if len(names) > 1 else "".join(names)


def photo_hint() -> str:
    """The help text of a photo field, from the types and the size limit actually enforced."""
    return f"{_photo_formats()}，{appeals_setting('ATTACHMENT_MAX_BYTES') // (1024 * 1024)} MB 以内。"


def check_photo(upload: UploadedFile) -> str:
    """check_attachment for a field that asks for a photo: a PDF or a video is refused as no photo."""
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in photo_types():
        raise AppealError(
            "attachment_not_photo", f"“{upload.name}”不是照片，请选择 {_photo_formats()} 格式的图片。"
        )
    return check_attachment(upload)


def check_attachment(upload: UploadedFile) -> str:
    """The attachment's content type, or AppealError saying why it is refused."""
    limit = appeals_setting("ATTACHMENT_MAX_BYTES")
    if upload.size > limit:
        raise AppealError("attachment_too_large", f"附件“{upload.name}”超过 {limit // (1024 * 1024)} MB。")
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in appeals_setting("ATTACHMENT_CONTENT_TYPES") or content_type not in SIGNATURES:
        raise AppealError(
            "attachment_type", f"附件“{upload.name}”的类型不支持，请上传照片、PDF 或 MP4 视频。"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not all(head[offset : offset + len(magic)] == magic for offset, magic in SIGNATURES[content_type]):
        raise AppealError("attachment_mismatch", f"附件“{upload.name}”的内容与其类型不符。")
    return content_type
