"""Does a sentence make sense alone, as the first words of a digest bullet?

A bullet is read without its article. A sentence fails when it points back at
something only the article said ("Quá trình hợp tác này…", "MK nhìn thấy cơ hội
trong lĩnh vực này", "Cũng tại buổi gặp mặt…", "Ông cho biết…"), and a quotation or a
directive ("Các công ty phải xác định…") needs the person who said it.
"""

from __future__ import annotations

import re

from digests.analysis.quotes import names_speaker
from digests.digest.summarize import is_dangling, strip_filler

_REFERRING_NOUNS = (
    "lĩnh vực", "vấn đề", "dự án", "chương trình", "sản phẩm", "nền tảng", "hợp tác",
    "quá trình", "công nghệ", "giải pháp", "thỏa thuận", "thoả thuận", "sự kiện", "mô hình",
    "chính sách", "quy định", "nội dung", "hệ thống", "doanh nghiệp", "công ty", "đơn vị",
    "kết quả", "hoạt động", "kế hoạch", "con số", "thông tin", "ý kiến", "đề xuất",
    "tình trạng", "xu hướng", "thị trường", "dịch vụ", "ứng dụng", "mục tiêu", "nhiệm vụ",
    "việc", "điều", "tổ chức", "cơ quan", "tập đoàn", "hội nghị", "buổi", "chiến lược",
    "đề án", "văn bản", "báo cáo", "số liệu", "sáng kiến", "khoản", "mức", "hình thức",
    "phương án", "cuộc", "nhóm", "người", "ngành", "thương vụ", "động thái", "bước",
)  # fmt: skip
_POINTING_BACK = re.compile(
    r"(?<!\w)(?:" + "|".join(map(re.escape, _REFERRING_NOUNS)) + r")"
    r"(?:\s+\w+){0,2}?\s+(?:này|đó|ấy|nói trên|kể trên|trên đây)(?!\w)",
    re.IGNORECASE,
)
_OPENS_BACK = re.compile(
    r"^(?:Theo đó|Khi đó|Sau đó|Trước đó|Từ đó|Qua đó|Nhờ đó|Vì thế|Chính vì vậy|Dù vậy"
    r"|Trong đó|Hơn nữa|Thậm chí|Còn|Cũng vậy|Tương tự"
    r"|Bên cạnh đó|Cùng với đó|Đồng thời|Ngoài ra|Riêng)(?!\w)"
)
# A pronoun or a bare honorific as the subject: "Ông cho biết", "Họ cho rằng", "Chúng tôi…"
_UNNAMED_SUBJECT = re.compile(
    r"^(?:(?:Ông|Bà|Anh|Chị)\s+(?!\w*[A-ZĐÀ-Ỹ])\w|(?:Họ|Nó|Tôi|Chúng tôi|Chúng ta|Mình|Em)(?!\w))"
)
_DIRECTIVE = re.compile(
    r"^(?:Cần|Phải|Hãy|Yêu cầu|Đề nghị)(?!\w)|(?<!\w)(?:phải|cần phải|cần)\s+"
    r"(?:xác định|tập trung|đẩy mạnh|tăng cường|chủ động|quyết liệt|xử lý|thực hiện|triển khai"
    r"|nghiên cứu|tổ chức|xây dựng|hoàn thành|bảo đảm|đảm bảo|rõ ràng|có kế hoạch|sớm)(?!\w)"
)
_QUOTATION = re.compile(r"[“”\"]")


def refers_back(text: str) -> bool:
    """The sentence points at something said before it and cannot open a bullet."""
    if text.lstrip().startswith("Theo đó"):  # "accordingly": what follows is someone's plan
        return True
    text = strip_filler(text.strip())
    return bool(
        is_dangling(text)
        or _OPENS_BACK.match(text)
        or _UNNAMED_SUBJECT.match(text)
        or (_may_point_back(text) and _POINTING_BACK.search(text))
    )


def _may_point_back(text: str) -> bool:
    """What every _POINTING_BACK match needs, checked without a regex scan."""
    return "này" in text or "đó" in text or "ấy" in text or "trên" in text


def needs_speaker(text: str) -> bool:
    """A quotation or a directive that does not itself say who spoke."""
    if not (_QUOTATION.search(text) or (_may_direct(text) and _DIRECTIVE.search(text))):
        return False
    return not names_speaker(text)


def _may_direct(text: str) -> bool:
    """What every _DIRECTIVE match needs, checked without a regex scan."""
    return "phải" in text or "cần" in text or text.startswith(("Cần", "Phải", "Hãy", "Yêu", "Đề"))
