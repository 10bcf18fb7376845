import pytest

from jianfu.channel import attachments, services
from jianfu.channel.attachments import AttachmentError, clean_upload
from jianfu.channel.models import BurdenReport, BurdenType, Identity, ReportAttachment

from .conftest import PDF_BYTES, jpeg_with_gps, png_bytes, upload


def test_png_and_pdf_are_accepted_by_their_content():
    assert clean_upload("截图.png", png_bytes()).content_type == "image/png"
    assert clean_upload("通知.PDF", PDF_BYTES).content_type == "application/pdf"


def test_a_file_whose_content_is_not_what_its_name_says_is_refused():
    with pytest.raises(AttachmentError, match="扩展名与内容不符：内容是PDF 文件"):
        clean_upload("照片.png", PDF_BYTES)
    with pytest.raises(AttachmentError, match="不是允许的类型（无法识别其内容）"):
        clean_upload("照片.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(AttachmentError, match="不是允许的类型（实际内容为 application/zip）"):
        clean_upload("照片.jpg", b"PK\x03\x04" + b"\x00" * 100)


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\boot.png", "a/b.png", ".htaccess.png", "x\x00.png"])
def test_path_tricks_in_names_are_refused(name):
    with pytest.raises(AttachmentError, match="含有路径或特殊字符"):
        clean_upload(name, png_bytes())


def test_oversize_and_empty_files_are_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    with pytest.raises(AttachmentError, match="超过 0 MB 的上限|超过"):
        clean_upload("大图.png", png_bytes() + b"\x00" * 200)
    with pytest.raises(AttachmentError, match="空文件"):
        clean_upload("空.png", b"")


def test_a_broken_image_is_refused():
    with pytest.raises(AttachmentError, match="已损坏或无法识别"):
        clean_upload("坏图.png", png_bytes()[:40])


def test_too_many_files_are_refused_before_anything_is_written():
    files = [upload(f"图{i}.png", png_bytes()) for i in range(attachments.MAX_FILES + 1)]
    with pytest.raises(AttachmentError, match="最多上传"):
        attachments.clean_uploads(files)


def test_jpeg_is_reencoded_without_exif():
    data = jpeg_with_gps()
    assert b"PhoneMaker" in data
    clean = clean_upload("现场.jpeg", data)
    assert b"PhoneMaker" not in clean.data and b"Exif" not in clean.data


def test_stored_files_get_random_names_under_media_root_channel(settings, village_cadre):
    report, _ = services.file_report(
        identity=Identity.ANONYMOUS,
        burden_type=BurdenType.PHOTO_QUOTA,
        description="要求上传照片",
        by=village_cadre,
        files=[upload("../截图.png".replace("../", ""), png_bytes())],
    )
    att = report.attachments.get()
    path = attachments.path_of(att.stored_name)
    assert path.parent == settings.MEDIA_ROOT / "channel"
    assert path.exists() and "截图" not in att.stored_name
    assert len(att.stored_name) >= 32
    assert att.display_name == "截图.png"


def test_a_bad_file_refuses_the_whole_report_and_leaves_no_file(settings, village_cadre):
    with pytest.raises(AttachmentError):
        services.file_report(
            identity=Identity.ANONYMOUS,
            burden_type=BurdenType.PHOTO_QUOTA,
            description="要求上传照片",
            by=village_cadre,
            files=[upload("好.png", png_bytes()), upload("坏.png", PDF_BYTES)],
        )
    assert not BurdenReport.objects.exists() and not ReportAttachment.objects.exists()
    folder = settings.MEDIA_ROOT / "channel"
    assert not folder.exists() or not any(folder.iterdir())


def test_path_of_refuses_anything_but_a_plain_stored_name():
    for bad in ("../x", "a/b", "", ".x"):
        with pytest.raises(AttachmentError):
            attachments.path_of(bad)
