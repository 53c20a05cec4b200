"""Cleaning: every seed gets its real headline, its date, and a body with no junk and every
real sentence intact; the junk rules hold on synthetic lines too."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digests.model import BadItem, CleanArticle, RawDocument
from digests.sources.clean import clean_document
from digests.sources.headline import clean_meta_title, fallback_title, find_banners
from digests.sources.junk_lines import (
    is_contact_line,
    is_pull_quote,
    junk_reason,
    strip_glued_byline,
)
from digests.sources.person_names import is_title_and_name

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TODAY = date(2025, 6, 1)


def seed(prefix: str) -> CleanArticle:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    doc = RawDocument(
        origin=str(path), source=path.name, raw=path.read_text(encoding="utf-8"), kind="text"
    )
    return clean_document(doc, today=TODAY)


def text_doc(raw: str, **kwargs: object) -> RawDocument:
    return RawDocument(origin="x.txt", source="x.txt", raw=raw, kind="text", **kwargs)  # type: ignore[arg-type]


# --- the five seeds -------------------------------------------------------------------------
class SeedCase(TypedDict):
    title: str
    published: date
    published_at: datetime | None
    junk: list[str]
    sentences: list[str]
    headings: list[str]


SEED_CASES: dict[str, SeedCase] = {
    "000": {
        "title": (
            "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng nhấn mạnh, đất nước biết ơn các doanh nghiệp vì "
            "đã tạo ra của cải, công việc và làm cho đất nước hưng thịnh"
        ),
        "published": date(2024, 1, 30),
        "published_at": None,
        "junk": [
            "(Ảnh: Chí Hiếu)",
            "Bộ trưởng Nguyễn Mạnh Hùng chụp ảnh lưu niệm cùng các doanh nghiệp tiêu biểu",
            "Chủ tịch Giao Hàng Tiết Kiệm Phạm Hồng Quân: Ứng dụng công nghệ",
            "Ông Tào Đức Thắng, Chủ tịch Viettel: Trong năm 2023",
            "Ông Tô Dũng Thái, Chủ tịch VNPT: VNPT mong muốn",
            "Ông Nguyễn Trọng Khang, Chủ tịch MK: MK sẽ tiến vào",
            "Ông Phạm Hiếu, Tổng biên tập báo VnExpress: Thúc đẩy",
            "Ông Đỗ Thanh Hải, Phó Tổng Giám đốc Đài Truyền hình Việt Nam: VTV muốn",
            "Ông Tạ Mạnh Hoàng, Chủ tịch của Sconnect: Việc đưa sản phẩm",
        ],
        "sentences": [
            "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng nhấn mạnh, đất nước biết ơn các doanh nghiệp vì "
            "đã tạo ra của cải, công việc và làm cho đất nước hưng thịnh.",
            "Cũng tại buổi gặp mặt, ông Tào Đức Thắng, Chủ tịch Viettel cho hay năm 2023 là năm "
            "có nhiều khó khăn, nhưng Viettel vẫn đạt doanh thu tăng xấp xỉ 10%, gần 180.000 tỷ "
            "đồng, lợi nhuận đạt 51.000 tỷ đồng.",
            "Sắp tới, MK sẽ tiến vào lĩnh vực công nghiệp quốc phòng.",
            "Bộ trưởng cũng khẳng định, ngành TT&TT phát triển được thì đầu tiên là do các doanh "
            "nghiệp, các đơn vị trong ngành, là do sự dấn thân của các lãnh đạo và do sự khai phá "
            "các vùng đất lạ, do sự chấp nhận rủi ro.",
        ],
        "headings": [
            "Bưu chính kết nối viễn thông đi tận ngõ hẻm",
            "Hỗ trợ doanh nghiệp vượt qua khó khăn",
            "Báo chí và doanh nghiệp công nghệ cần hợp tác",
            "Doanh nghiệp muốn lớn mạnh thì phải có giấc mơ lớn",
        ],
    },
    "001": {
        "title": "Lĩnh vực “số” của Việt Nam phát triển mạnh mẽ",
        "published": date(2024, 11, 28),
        "published_at": None,
        "junk": [
            "Toàn cảnh buổi làm việc.",
            "Thứ trưởng Bộ Ngoại giao Đỗ Hùng Việt.",
            "Thứ trưởng Bộ Ngoại giao Phạm Thanh Bình.",
            "Bộ trưởng Nguyễn Mạnh Hùng: Nhiều DN công nghệ số Việt Nam đi ra nước ngoài là làm "
            "chuyển đổi số và làm rất tốt.",
        ],
        "sentences": [
            "Đây là những hạ tầng cốt yếu để phát triển kinh tế số, xã hội số của Việt Nam.",
            "Ngày 28/11, tại Hà Nội, Bộ TT&TT đã làm việc với Trưởng các cơ quan Đại diện Việt "
            "Nam ở nước ngoài nhiệm kỳ 2024 - 2027.",
            "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới.",
            "Hiện nay, nhiều DN công nghệ số Việt Nam đi ra nước ngoài là làm CĐS và làm rất tốt",
            "Việt Nam phải ra nước ngoài bằng sức lực của mình./.",
        ],
        "headings": [
            "Việt Nam phát triển mạnh mẽ lĩnh vực “số”",
            "Nhiều DN công nghệ số Việt Nam ra nước ngoài",
        ],
    },
    "002": {
        "title": (
            "Bộ Thông tin và Truyền thông tổ chức giao ban quản lý nhà nước Quý III/2022 với các "
            "đối tượng quản lý"
        ),
        "published": date(2022, 10, 17),
        "published_at": datetime(2022, 10, 17, 15, 10),
        "junk": [
            "Thứ hai, 17/10/2022 15:10",
            "Tài liệu hội nghị giao ban quản lý nhà nước Quý III năm 2022",
            "bt1.jpg",
            "bt3.jpg",
            "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng phát biểu chỉ đạo tại hội nghị",
            "Thu Hương - Hương Giang - Ảnh Đức Huy",
            "banner",
            "icon",
            "Cổng dịch vụ công",
            "Xem chi tiết",
            "Cổng thông tin điện tử của các đơn vị thuộc Bộ",
            "khai báo online tại đây",
            "dịch vụ tốt nhất dành cho bạn đọc",
            "Top",
        ],
        "sentences": [
            "Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị giao ban quản lý nhà nước "
            "Quý III/2022 với các đối tượng quản lý theo hình thức trực tuyến.",
            "Các công ty Bưu chính phải xác định trở thành công ty công nghệ, theo đó 10 - 20% chi "
            "phí và nhân lực hoạt động trong lĩnh vực công nghệ.",
            "đặt ra mục tiêu hoàn thành trước năm 2026.",
            "Chỉ đạo thực hiện nhiệm vụ trong từng lĩnh vực, Bộ trưởng cho rằng, đối với bưu "
            "chính, chất lượng dịch vụ đang có xu thế suy giảm, cần phải chuyển đổi số để nâng cao "
            "chất lượng dịch vụ.",
        ],
        "headings": [
            "Chuyển đổi số để đẩy nhanh quá trình công nghiệp hóa, hiện đại hóa đất nước",
            "Học hỏi kinh nghiệm quốc tế để chuyển đổi số doanh nghiệp",
        ],
    },
    "003": {
        "title": (
            "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành Thông tin truyền thông bứt phá vươn lên"
        ),
        "published": date(2020, 7, 6),
        "published_at": datetime(2020, 7, 6, 20, 45),
        "junk": [
            "Đường dây nóng",
            "0901.22.33.66",
            "toasoan@toquoc.gov.vn",
            "Liên hệ quảng cáo",
            "091.358.6788",
            "Thời sự 06/07/2020 20:45",
            "(Tổ Quốc)",
            "- Ảnh 1.",
            "- Ảnh 2.",
            "- Ảnh 3.",
            "(ảnh nhadautu.vn)",
            "Toàn cảnh Hội nghị",
            "(ản mic.gov.vn)",
            "(ảnh mic.gov.vn)",
            "Hồng Hà (t/h)",
            "NỔI BẬT TRANG CHỦ",
        ],
        "sentences": [
            "Sáng 6/7, Bộ Thông tin và Truyền thông (TT&TT) đã tổ chức Hội nghị Sơ kết công tác 6 "
            "tháng đầu năm và phương hướng nhiệm vụ 6 tháng cuối năm 2020.",
            "Uỷ viên Ban chấp hành Trung ương Đảng, Bộ trưởng Bộ TT&TT, Phó Trưởng Ban Tuyên giáo "
            "Trung ương Nguyễn Mạnh Hùng chủ trì Hội nghị.",
            "doanh thu ước đạt 14.100 tỷ đồng, tăng 4%; sản lượng gói, kiện đạt trên 377 triệu, "
            "tăng trên 40% so với cùng kỳ năm 2019.",
            "Ba là xây dựng nền kinh tế tự chủ “Make in Vietnam”.",
            "Ngành TT&TT bứt phá vươn lên là giúp đất nước bứt phá vươn lên”, Bộ trưởng nhấn "
            "mạnh./.",
        ],
        "headings": [],
    },
    "004": {
        "title": "Việt Nam - Hoa Kỳ thúc đẩy hợp tác về chuyển đổi số, kinh tế số",
        "published": date(2023, 3, 22),
        "published_at": datetime(2023, 3, 22, 16, 8),
        "junk": [
            "Trung tâm Công nghệ thông tin và Truyền thông Nghệ An",
            "Trang thông tin điện tử",
            "22/03/2023",
            "6620",
        ],
        "sentences": [
            "Các doanh nghiệp (DN) Việt Nam - Hoa Kỳ sẽ tiếp tục thúc đẩy hợp tác trong lĩnh vực "
            "thông tin và truyền thông, tập trung hợp tác về chuyển đổi số (CĐS), kinh tế số.",
            "Chiến lược phát triển kinh tế số - xã hội số lấy công nghệ và cơ sở hạ tầng là hai "
            "yếu tố quan trọng để vào năm 2045, kinh tế số đóng góp hơn 30% và nâng lên 40 - 45% "
            "GDP.",
            "Ngày 22/3/2023, Thứ trưởng Bộ TT&TT Phan Tâm đã tiếp Đoàn DN cấp cao Hoa Kỳ - ASEAN "
            "(USABC) đến thăm và làm việc với Bộ TT&TT.",
        ],
        "headings": [
            "Việt Nam có cơ hội rất lớn về phát triển kinh tế số",
            "Hợp tác phát triển mạnh mẽ ICT trên cơ sở hài hoà lợi ích",
        ],
    },
}


@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_headline_and_date(prefix: str) -> None:
    case = SEED_CASES[prefix]
    article = seed(prefix)
    assert article.title == case["title"]
    assert article.published == case["published"]
    assert article.published_at == case["published_at"]


@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_body_has_no_junk(prefix: str) -> None:
    body = seed(prefix).body
    for junk in SEED_CASES[prefix]["junk"]:
        assert junk not in body, junk


@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_body_keeps_real_sentences(prefix: str) -> None:
    body = seed(prefix).body
    for sentence in SEED_CASES[prefix]["sentences"]:
        assert sentence in body, sentence


@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_subheadings_are_kept_as_headings(prefix: str) -> None:
    article = seed(prefix)
    marked = [article.paragraphs[i] for i in sorted(article.headings)]
    assert marked == SEED_CASES[prefix]["headings"]


def test_seed_003_lead_loses_only_its_dateline() -> None:
    assert seed("003").paragraphs[0].startswith("Sáng 6/7, Bộ Thông tin và Truyền thông (TT&TT)")


def test_seed_004_headline_is_not_the_banner() -> None:
    article = seed("004")
    assert "Trung tâm" not in article.title
    assert article.paragraphs[0].startswith("Các doanh nghiệp (DN) Việt Nam - Hoa Kỳ")


def test_seed_paragraph_counts() -> None:
    # every body line of the seeds, minus exactly the junk lines listed above
    counts = {prefix: len(seed(prefix).paragraphs) for prefix in SEED_CASES}
    assert counts == {"000": 34, "001": 25, "002": 24, "003": 20, "004": 23}


def test_seed_paragraphs_are_nfc_and_trimmed() -> None:
    import unicodedata

    for prefix in SEED_CASES:
        for paragraph in seed(prefix).paragraphs:
            assert paragraph == unicodedata.normalize("NFC", paragraph)
            assert paragraph == paragraph.strip()
            assert "  " not in paragraph


# --- junk rules on synthetic lines ----------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "• Đường dây nóng",
        "Liên hệ quảng cáo",
        "0901.22.33.66 - toasoan@toquoc.gov.vn",
        "091.358.6788",
        "Hotline: 0912 345 678",
        "Email: lienhe@ictnews.vn",
        "www.mic.gov.vn",
        "bt1.jpg",
        "IMG_2034.JPEG",
        "Hội nghị chuyển đổi số năm 2024 - Ảnh 2.",
        "Lãnh đạo Bộ chụp ảnh cùng đại biểu (Ảnh: Chí Hiếu)",
        "Quang cảnh buổi lễ (ảnh nhadautu.vn)",
        "Toàn cảnh Hội nghị (ản mic.gov.vn)",
        "Đại biểu bấm nút khai trương hệ thống. Ảnh: Đức Huy",
        "Toàn cảnh buổi làm việc.",
        "Quang cảnh hội thảo tại Hà Nội",
        "Thứ trưởng Bộ Ngoại giao Đỗ Hùng Việt.",
        "Bộ trưởng Bộ Thông tin và Truyền thông Nguyễn Mạnh Hùng",
        "Ông Trần Minh Tuấn.",
        "Tài liệu hội nghị giao ban quản lý nhà nước Quý III năm 2022",
        "Xem thêm: Viettel công bố doanh thu quý III",
        "Tin liên quan",
        "Đọc thêm",
        "Thời sự 06/07/2020 20:45",
        "Thứ tư - 22/03/2023 16:086620",
        "Xem chi tiết icon",
        "banner",
        "Top",
        "NỔI BẬT TRANG CHỦ",
        "Cổng thông tin điện tử của các đơn vị thuộc Bộ",
        "Bản quyền thuộc về Báo Điện tử Tổ Quốc",
        "Từ khóa: chuyển đổi số, 5G",
        "Ảnh: VGP/Nhật Bắc",
        "Ảnh: Internet.",
        "Video: Toàn cảnh lễ ra mắt mạng 5G",
        "Nguồn: VnExpress",
        "Trang chủ > Kinh tế > Viễn thông",
        "Trang chủ » Thời sự",
    ],
)
def test_junk_lines(line: str) -> None:
    assert junk_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Uỷ viên Ban chấp hành Trung ương Đảng, Bộ trưởng Bộ TT&TT, Phó Trưởng Ban Tuyên giáo "
        "Trung ương Nguyễn Mạnh Hùng chủ trì Hội nghị.",
        "Đây là những hạ tầng cốt yếu để phát triển kinh tế số, xã hội số của Việt Nam.",
        "Bưu chính kết nối viễn thông đi tận ngõ hẻm",
        "Doanh thu ước đạt 14.100 tỷ đồng, tăng 4% so với cùng kỳ.",
        "Tài liệu cho thấy doanh thu đã tăng 12% trong năm 2023.",
        "Thứ trưởng tiếp ông Nguyễn Văn An tại trụ sở Bộ.",
        "Thứ trưởng Bộ TT&TT Phan Tâm đã tiếp đoàn doanh nghiệp Hoa Kỳ.",
        "Toàn cảnh thị trường viễn thông năm 2023 cho thấy doanh thu tăng mạnh, trong đó dịch vụ "
        "dữ liệu chiếm hơn một nửa tổng doanh thu của các nhà mạng lớn trong nước và nước ngoài.",
        "Liên hệ với Bộ TT&TT, các doanh nghiệp được hướng dẫn thủ tục trong 5 ngày.",
        "Hotline 1800 1091 của VNPost đã tiếp nhận 12.000 cuộc gọi trong tháng 10.",
        "Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị giao ban.",
        "Ba là xây dựng nền kinh tế tự chủ “Make in Vietnam”.",
        "Nguồn: Bộ TT&TT cho biết năm 2023 doanh thu toàn ngành đạt 3,6 triệu tỷ đồng, tăng 7% "
        "so với năm trước.",
        "Doanh thu / lợi nhuận",
    ],
)
def test_real_lines_are_not_junk(line: str) -> None:
    assert junk_reason(line) is None


def test_title_and_name_needs_both() -> None:
    assert is_title_and_name("Thứ trưởng Bộ Ngoại giao Phạm Thanh Bình.")
    assert not is_title_and_name("Thứ trưởng Bộ Ngoại giao phát biểu.")
    assert not is_title_and_name("Nguyễn Mạnh Hùng")
    assert not is_title_and_name("Bộ trưởng khen ngợi Nguyễn Văn An")


def test_contact_lines() -> None:
    assert is_contact_line("0901.22.33.66 - toasoan@toquoc.gov.vn")
    assert is_contact_line("ĐT: 024 3825 1234 | Fax: 024 3825 5678")
    assert not is_contact_line("Viettel có 130 triệu thuê bao, tăng 0,5% so với năm trước.")


def test_pull_quote_that_repeats_the_body_is_dropped() -> None:
    body = [
        "Hiện nay, nhiều DN công nghệ số Việt Nam đi ra nước ngoài là làm CĐS và làm rất tốt "
        "bởi người Việt Nam chăm chỉ làm việc.",
        "Bộ trưởng Nguyễn Mạnh Hùng: Nhiều DN công nghệ số Việt Nam đi ra nước ngoài là làm "
        "chuyển đổi số và làm rất tốt.",
    ]
    assert is_pull_quote(body[1], body)
    assert not is_pull_quote(body[0], body)


def test_quote_with_new_content_is_kept() -> None:
    body = [
        "Tại hội nghị, các doanh nghiệp bưu chính đã báo cáo kết quả kinh doanh năm 2023.",
        "Bộ trưởng Nguyễn Mạnh Hùng nhấn mạnh: Bưu chính phải trở thành hạ tầng của kinh tế số.",
    ]
    assert not is_pull_quote(body[1], body)


def test_caption_after_image_file_but_not_a_subheading() -> None:
    raw = "\n".join(
        [
            "Viettel khai trương mạng 5G trên toàn quốc",
            "Thứ hai, 15/10/2024 09:00",
            "Sáng 15/10/2024, Viettel chính thức khai trương mạng 5G trên toàn quốc tại Hà Nội.",
            "anh-5g.jpg",
            "Ông Tào Đức Thắng phát biểu tại lễ khai trương",
            "Mạng 5G phủ sóng 63 tỉnh, thành phố với hơn 6.500 trạm phát sóng.",
            "hinh2.png",
            "Doanh nghiệp đầu tư mạnh vào hạ tầng",
            "Viettel cho biết sẽ đầu tư thêm 1.000 tỷ đồng cho hạ tầng trong năm 2025.",
        ]
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "Viettel khai trương mạng 5G trên toàn quốc"
    assert article.published_at == datetime(2024, 10, 15, 9, 0)
    assert article.paragraphs == (
        "Sáng 15/10/2024, Viettel chính thức khai trương mạng 5G trên toàn quốc tại Hà Nội.",
        "Mạng 5G phủ sóng 63 tỉnh, thành phố với hơn 6.500 trạm phát sóng.",
        "Doanh nghiệp đầu tư mạnh vào hạ tầng",
        "Viettel cho biết sẽ đầu tư thêm 1.000 tỷ đồng cho hạ tầng trong năm 2025.",
    )
    assert article.headings == frozenset({2})


def test_banner_glued_twice_and_repeated() -> None:
    lines = [
        "Sở Thông tin và Truyền thông Hà TĩnhSở Thông tin và Truyền thông Hà Tĩnh",
        "Cổng thông tin điện tử",
        "Sở Thông tin và Truyền thông Hà Tĩnh",
    ]
    banners = find_banners(lines)
    assert "so thong tin va truyen thong ha tinh" in banners
    assert "cong thong tin dien tu" in banners


def test_tail_bylines_and_portal_blocks_are_trimmed() -> None:
    raw = "\n\n".join(
        [
            "Bưu điện Việt Nam ra mắt dịch vụ mới cho nông dân",
            "Ngày 2/3/2024, Bưu điện Việt Nam ra mắt dịch vụ thu mua nông sản qua mạng bưu cục.",
            "Dịch vụ giúp nông dân bán hàng trực tuyến với chi phí thấp hơn 20% so với trước.",
            "Minh Anh - Quốc Huy",
            "Theo VnExpress",
            "Tin cùng chuyên mục",
            "Viettel lãi lớn",
            "VNPT ra mắt AI",
        ]
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.paragraphs[-1] == (
        "Dịch vụ giúp nông dân bán hàng trực tuyến với chi phí thấp hơn 20% so với trước."
    )
    assert article.published == date(2024, 3, 2)


def test_dateline_prefixes() -> None:
    for prefix in ("(Tổ Quốc) - ", "(ICTnews) – ", "VOV.VN - ", "TTO - "):
        raw = (
            "Tiêu đề bài viết về viễn thông\n\n"
            + prefix
            + "Ngày 5/6/2024, Bộ TT&TT công bố kết quả đo kiểm chất lượng mạng di động 4G."
        )
        article = clean_document(text_doc(raw), today=TODAY)
        assert article.paragraphs[0].startswith("Ngày 5/6/2024, Bộ TT&TT công bố"), prefix


def test_dateline_lookalike_is_kept() -> None:
    raw = (
        "Tiêu đề bài viết về viễn thông\n\n"
        "FPT - doanh nghiệp công nghệ lớn nhất Việt Nam - công bố doanh thu 52.618 tỷ đồng."
    )
    article = clean_document(text_doc(raw, date_hint=datetime(2024, 1, 2, 8, 0)), today=TODAY)
    assert article.paragraphs[0].startswith("FPT - doanh nghiệp")


# --- headline and date fallbacks ------------------------------------------------------------
def test_fallback_title_shortens_long_lead_at_a_word_boundary() -> None:
    lead = (
        "Theo báo cáo mới nhất của Bộ Thông tin và Truyền thông, doanh thu toàn ngành công nghiệp "
        "công nghệ số năm 2023 đạt khoảng 142 tỷ USD, tăng 6,5% so với năm 2022 và tiếp tục là "
        "ngành có tốc độ tăng trưởng cao. Đây là kết quả tích cực."
    )
    title = fallback_title([lead])
    assert title == (
        "Theo báo cáo mới nhất của Bộ Thông tin và Truyền thông, doanh thu toàn ngành công "
        "nghiệp công nghệ số năm 2023 đạt khoảng 142 tỷ USD, tăng 6,5% so với năm 2022…"
    )


def test_feed_title_and_date_hints_fill_gaps() -> None:
    raw = (
        "Viettel cho biết doanh thu quý III tăng 8%, lợi nhuận đạt 12.000 tỷ đồng.\n\n"
        "Tập đoàn tiếp tục đầu tư vào hạ tầng số và trung tâm dữ liệu."
    )
    doc = text_doc(
        raw, title_hint="Viettel báo lãi quý III", date_hint=datetime(2024, 10, 20, 7, 30)
    )
    article = clean_document(doc, today=TODAY)
    assert article.title == "Viettel báo lãi quý III"
    assert article.published == date(2024, 10, 20)
    assert article.published_at == datetime(2024, 10, 20, 7, 30)


def test_text_date_wins_over_hint() -> None:
    raw = (
        "Viettel báo lãi quý III\n\nThứ hai, 21/10/2024 08:15\n\n"
        "Viettel cho biết doanh thu quý III tăng 8%, lợi nhuận đạt 12.000 tỷ đồng."
    )
    doc = text_doc(raw, date_hint=datetime(2024, 10, 25, 7, 30))
    assert clean_document(doc, today=TODAY).published_at == datetime(2024, 10, 21, 8, 15)


def test_meta_title_loses_site_suffix_only() -> None:
    assert clean_meta_title("Viettel báo lãi | Báo Tổ Quốc", "Báo Tổ Quốc") == "Viettel báo lãi"
    assert clean_meta_title("Viettel báo lãi - ICTnews", "ICTnews") == "Viettel báo lãi"
    assert (
        clean_meta_title("Việt Nam - Hoa Kỳ thúc đẩy hợp tác", "Báo X")
        == "Việt Nam - Hoa Kỳ thúc đẩy hợp tác"
    )
    assert clean_meta_title("Báo Tổ Quốc", "Báo Tổ Quốc") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Viettel báo lãi - VnExpress", "Viettel báo lãi"),  # a known outlet, no site name
        ("Viettel báo lãi - Báo điện tử VTV", "Viettel báo lãi"),
        ("Việt Nam - Hoa Kỳ hợp tác - VnExpress", "Việt Nam - Hoa Kỳ hợp tác"),  # last cut only
        # "công" is no "Cổng", "tình trạng" no "Trang": the headline keeps its second half
        (
            "Việt Nam - Hoa Kỳ thúc đẩy hợp tác công nghệ",
            "Việt Nam - Hoa Kỳ thúc đẩy hợp tác công nghệ",
        ),
        ("Mạng di động - Tình trạng nghẽn ở Hà Nội", "Mạng di động - Tình trạng nghẽn ở Hà Nội"),
    ],
)
def test_meta_title_without_site_name_loses_a_known_suffix(title: str, expected: str) -> None:
    assert clean_meta_title(title, None) == expected


# --- bad items ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("\x00\x01\x02PK\x03\x04" + "abc" * 50, "binary"),
        ("Trang chủ\nThời sự\nKinh tế\nXem thêm\nTin liên quan\nTop", "no article body"),
        ("bt1.jpg\nbt2.jpg\nToàn cảnh hội nghị (Ảnh: X)", "no article body"),
        ("Đọc nhanh\nThể thao\nGiải trí\nPháp luật\nSức khỏe\nĐời sống", "no article body"),
    ],
)
def test_unusable_documents_raise_bad_item(raw: str, reason: str) -> None:
    with pytest.raises(BadItem, match=reason):
        clean_document(text_doc(raw), today=TODAY)


def test_bad_item_reason_is_one_line() -> None:
    with pytest.raises(BadItem) as caught:
        clean_document(text_doc("Trang chủ\nTin tức\nLiên hệ"), today=TODAY)
    assert "\n" not in str(caught.value)
    assert str(caught.value)


# --- one-paragraph bodies (feeds, the evaluation set) ---------------------------------------
@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Bị cáo đã được đưa về trại giam. Mộc Miên (Tổng hợp)",
            "Bị cáo đã được đưa về trại giam.",
        ),
        (
            "Phim phải chuyển sang chiếu trên Internet. Quốc Tiệp",
            "Phim phải chuyển sang chiếu trên Internet.",
        ),
        (
            "Mạng 5G sẽ phủ sóng toàn quốc. Vũ Hoàng (Theo Fox News)",
            "Mạng 5G sẽ phủ sóng toàn quốc.",
        ),
        ("Hội nghị kết thúc. Võ Hải - Lan Hạ", "Hội nghị kết thúc."),
        ("Bộ trưởng nhấn mạnh./. (Theo TTXVN)", "Bộ trưởng nhấn mạnh./."),
        ("Tỷ lệ đạt 80% (theo khảo sát).", "Tỷ lệ đạt 80% (theo khảo sát)."),
        ("Bộ trưởng nhấn mạnh./.", "Bộ trưởng nhấn mạnh./."),
        (
            "Doanh thu tăng. Viettel cho biết sẽ tiếp tục đầu tư",
            "Doanh thu tăng. Viettel cho biết sẽ tiếp tục đầu tư",
        ),
        ("“Đây là bước tiến lớn”, ông Hùng nói.", "“Đây là bước tiến lớn”, ông Hùng nói."),
    ],
)
def test_glued_byline_after_last_sentence(paragraph: str, expected: str) -> None:
    assert strip_glued_byline(paragraph) == expected


def test_single_paragraph_article_with_question_headline() -> None:
    raw = (
        "Vì sao nhà mạng chưa tắt sóng 2G?\n\n"
        "Ngày 16/9/2024, Bộ TT&TT cho biết còn khoảng 2 triệu thuê bao dùng điện thoại chỉ có "
        "2G.\u200b Các nhà mạng đã hỗ trợ người dân đổi máy miễn phí. Ánh Ngọc"
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "Vì sao nhà mạng chưa tắt sóng 2G?"
    assert article.published == date(2024, 9, 16)
    assert article.paragraphs == (
        "Ngày 16/9/2024, Bộ TT&TT cho biết còn khoảng 2 triệu thuê bao dùng điện thoại chỉ có "
        "2G. Các nhà mạng đã hỗ trợ người dân đổi máy miễn phí.",
    )


def test_headline_may_open_on_a_lowercase_brand() -> None:
    raw = (
        "e - Cabinet: Bước tiến lớn trong cải cách của Chính phủ\n\n"
        "Phiên họp Chính phủ đầu tiên thông qua Hệ thống e - Cabinet diễn ra ngày 21/6/2019 "
        "dưới sự chủ trì của Thủ tướng."
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "e - Cabinet: Bước tiến lớn trong cải cách của Chính phủ"
    assert article.paragraphs[0].startswith("Phiên họp Chính phủ đầu tiên")


def test_section_labels_above_the_headline_are_dropped() -> None:
    raw = "\n".join(
        [
            "Trang chủ > Viễn thông",
            "Viễn thông",
            "MobiFone mở rộng vùng phủ sóng 5G tại 10 tỉnh",
            "Ngày 4/11/2024, MobiFone công bố mở rộng vùng phủ sóng 5G tại 10 tỉnh, thành phố.",
        ]
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "MobiFone mở rộng vùng phủ sóng 5G tại 10 tỉnh"
    assert article.paragraphs == (
        "Ngày 4/11/2024, MobiFone công bố mở rộng vùng phủ sóng 5G tại 10 tỉnh, thành phố.",
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "Viettel khai trương mạng 5G",
                    "Thứ hai, 17/10/2022 15:10",
                    "Ngày 28/11, Bộ TT&TT làm việc với doanh nghiệp nhiệm kỳ 2024 - 2027.",
                    "bt1.jpg",
                    "Toàn cảnh hội nghị (Ảnh: X)",
                    "Ông Nguyễn Văn An: Doanh thu tăng 10% trong năm 2023.",
                    "Doanh thu tăng 10% trong năm 2023, đạt 14.100 tỷ đồng.",
                    "",
                    "• Đường dây nóng",
                    "(Tổ Quốc) - ",
                    "./.",
                ]
            ),
            st.text(max_size=60),
        ),
        max_size=12,
    )
)
def test_any_text_gives_an_article_or_a_bad_item(lines: list[str]) -> None:
    try:
        article = clean_document(text_doc("\n".join(lines)), today=TODAY)
    except BadItem as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert article.title.strip()
    assert article.paragraphs
    assert all(p.strip() == p and p for p in article.paragraphs)


# --- the outlet a page names itself -----------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "source"),
    [
        ("000", None),  # no outlet named anywhere: the file name is used (articles.source_name)
        ("001", None),
        ("002", None),
        ("003", "Tổ Quốc"),  # "(Tổ Quốc) - " dateline and toasoan@toquoc.gov.vn
        ("004", "Trung tâm Công nghệ thông tin và Truyền thông Nghệ An"),  # doubled banner
    ],
)
def test_seed_outlet(prefix: str, source: str | None) -> None:
    assert seed(prefix).source == source


LEAD = (
    "Sáng 6/7, Bộ Thông tin và Truyền thông đã tổ chức Hội nghị sơ kết công tác 6 tháng đầu "
    "năm 2020 với 66 điểm cầu trên cả nước."
)
SECOND = (
    "Bộ trưởng Nguyễn Mạnh Hùng chủ trì hội nghị và nêu năm cơ hội để ngành bứt phá vươn lên "
    "trong 6 tháng cuối năm."
)


@pytest.mark.parametrize(
    ("header", "dateline", "source"),
    [
        ([], "(Tổ Quốc) - ", "Tổ Quốc"),
        ([], "VOV.VN - ", "VOV"),
        ([], "TTO - ", "Tuổi Trẻ"),
        ([], "(Chinhphu.vn) - ", "Báo Chính phủ"),
        ([], "(Dân trí) - ", "Dân trí"),
        ([], "(PV) - ", None),  # a reporter, not a newsroom
        (["Đường dây nóng", "0901.22.33.66 - toasoan@toquoc.gov.vn"], "", "Tổ Quốc"),
        (["Liên hệ: bandoc@baomoi-abc.vn"], "", "baomoi-abc.vn"),
        (["Hotline: 0912.345.678 - phongvien@gmail.com"], "", None),  # webmail says nothing
        (["Báo Điện tử Sở Số Tỉnh XBáo Điện tử Sở Số Tỉnh X"], "", "Báo Điện tử Sở Số Tỉnh X"),
        (["Cổng Thông tin Tỉnh Y", "Cổng Thông tin Tỉnh Y"], "", "Cổng Thông tin Tỉnh Y"),
        # the banner names the site; a republished story's dateline names its first outlet
        (
            ["Cổng Thông tin Tỉnh Y", "Cổng Thông tin Tỉnh Y"],
            "(Tổ Quốc) - ",
            "Cổng Thông tin Tỉnh Y",
        ),
    ],
)
def test_outlet_from_text_clues(header: list[str], dateline: str, source: str | None) -> None:
    headline = "Năm cơ hội để ngành Thông tin và Truyền thông bứt phá"
    raw = "\n".join([*header, headline, "06/07/2020 20:45", dateline + LEAD, SECOND])
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.source == source
    assert article.paragraphs[0] == LEAD  # the clue itself never reaches the body


# --- the outlet a republished story credits ---------------------------------------------------
@pytest.mark.parametrize(
    ("closing", "source"),
    [
        (["Nguồn: Báo Tin tức/TTXVN"], "Báo Tin tức (TTXVN)"),
        (["Theo VnExpress"], "VnExpress"),
        (["Theo VnExpress."], "VnExpress"),
        (["(Theo ICTnews)."], "ICTnews"),
        (["Nguồn: ictnews.vn"], "ICTnews"),
        (["Hải Yến (theo TTXVN)", "Tin cùng chuyên mục", "VNPT lãi kỷ lục"], "TTXVN"),
        (["Theo Reuters."], None),  # unknown: the file name is shown, the line still goes
    ],
)
def test_closing_credit_names_the_outlet_and_leaves_the_body(
    closing: list[str], source: str | None
) -> None:
    headline = "Năm cơ hội để ngành Thông tin và Truyền thông bứt phá"
    raw = "\n".join([headline, "06/07/2020 20:45", LEAD, SECOND, *closing])
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.source == source
    assert article.paragraphs == (LEAD, SECOND)


def test_credit_glued_to_the_last_paragraph() -> None:
    raw = "\n".join(
        ["Năm cơ hội để ngành bứt phá", "06/07/2020 20:45", LEAD, SECOND + " (Theo TTXVN)"]
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.source == "TTXVN"
    assert article.paragraphs == (LEAD, SECOND)


def test_a_credit_inside_the_story_is_not_read() -> None:
    # "Theo VnExpress" above the last paragraph is a quote's source, not the page's credit
    raw = "\n".join(
        ["Năm cơ hội để ngành bứt phá", "06/07/2020 20:45", "Theo VnExpress", LEAD, SECOND]
    )
    assert clean_document(text_doc(raw), today=TODAY).source is None


@pytest.mark.parametrize(
    ("header", "dateline", "source"),
    [
        # the page's own name stays first; the newsroom it took the story from follows
        (
            ["Cổng Thông tin Tỉnh Y", "Cổng Thông tin Tỉnh Y"],
            "",
            "Cổng Thông tin Tỉnh Y (theo TTXVN)",
        ),
        (["0901.22.33.66 - toasoan@toquoc.gov.vn"], "", "Tổ Quốc (theo TTXVN)"),
        ([], "(Tổ Quốc) - ", "Tổ Quốc (theo TTXVN)"),
        ([], "(TTXVN) - ", "TTXVN"),  # its own newsroom credited again: said once
    ],
)
def test_own_name_beats_a_credit(header: list[str], dateline: str, source: str) -> None:
    headline = "Năm cơ hội để ngành Thông tin và Truyền thông bứt phá"
    raw = "\n".join([*header, headline, "06/07/2020 20:45", dateline + LEAD, SECOND, "Theo TTXVN"])
    assert clean_document(text_doc(raw), today=TODAY).source == source


# --- datelines and bylines at the top of a story --------------------------------------------
STORY_LINES = (
    "Số vụ lừa đảo trực tuyến nhắm vào người dùng ngân hàng tăng mạnh trong quý III năm 2024.\n"
    "Cơ quan chức năng khuyến nghị người dân không cung cấp mã OTP cho bất kỳ ai qua điện thoại.\n"
)


@pytest.mark.parametrize(
    ("raw", "source"),
    [
        # a dateline standing alone above the lead names the outlet and is no paragraph
        (
            "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\n(VTC News) -\n" + STORY_LINES,
            "VTC News",
        ),
        ("Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\nTBTCO -\n" + STORY_LINES, None),
        # a dateline opening the lead: split off, the outlet named by its abbreviation
        (
            "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\n(VTC News) - " + STORY_LINES,
            "VTC News",
        ),
        (
            "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\nTBTCO - " + STORY_LINES,
            "Thời báo Tài chính Việt Nam",
        ),
        (
            "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\nBĐT - " + STORY_LINES,
            "Báo Đấu thầu",
        ),
    ],
)
def test_dateline_is_no_paragraph_and_names_the_outlet(raw: str, source: str | None) -> None:
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.paragraphs[0].startswith("Số vụ lừa đảo trực tuyến")
    assert len(article.paragraphs) == 2
    if source is not None:
        assert article.source == source


def test_byline_named_by_the_markup_is_no_paragraph() -> None:
    html = (
        "<html><head><title>Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh</title></head><body>"
        "<h1>Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh</h1>"
        "<div class='author-name'>Nhĩ Anh</div>"
        "<div class='content'><p>Nhĩ Anh</p>"
        + "".join(f"<p>{line}</p>" for line in STORY_LINES.splitlines())
        + "</div></body></html>"
    )
    doc = RawDocument(origin="x.html", source="x.html", raw=html, kind="html")
    article = clean_document(doc, today=TODAY)
    assert "Nhĩ Anh" not in article.body
    assert len(article.paragraphs) == 2


def test_sapo_outside_the_article_is_the_first_paragraph() -> None:
    html = (
        "<html><head><title>Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh</title></head><body>"
        "<h1 class='title-detail'>Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh</h1>"
        "<p class='description'>Các ngân hàng ghi nhận số vụ lừa đảo trực tuyến tăng gấp đôi, "
        "chủ yếu qua tin nhắn giả mạo thương hiệu.</p>"
        "<article class='fck_detail'>"
        + "".join(f"<p class='Normal'>{line}</p>" for line in STORY_LINES.splitlines())
        + "</article></body></html>"
    )
    doc = RawDocument(origin="x.html", source="x.html", raw=html, kind="html")
    article = clean_document(doc, today=TODAY)
    assert article.paragraphs[0].startswith("Các ngân hàng ghi nhận số vụ lừa đảo")
    assert len(article.paragraphs) == 3
    assert article.headings == frozenset()


@pytest.mark.parametrize("byline", ["Nhĩ Anh", "LÊ THANH", "Hoài Thu"])
def test_byline_between_headline_and_lead_is_no_paragraph(byline: str) -> None:
    raw = f"Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\n{byline}\n{STORY_LINES}"
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh"
    assert byline not in article.body
    assert len(article.paragraphs) == 2


def test_a_section_label_or_a_sub_heading_is_no_byline() -> None:
    raw = (
        "Ngân hàng cảnh báo lừa đảo trực tuyến tăng mạnh\n"
        + STORY_LINES
        + "Khuyến nghị cho người dùng\n"
        + "Người dùng nên bật xác thực hai lớp cho mọi tài khoản ngân hàng trực tuyến của mình.\n"
    )
    article = clean_document(text_doc(raw), today=TODAY)
    assert "Khuyến nghị cho người dùng" in article.paragraphs


def test_a_short_headline_after_a_section_label_is_no_byline() -> None:
    raw = "Kinh tế số\nViettel Global Lãi Lớn\n" + STORY_LINES
    article = clean_document(text_doc(raw), today=TODAY)
    assert article.title == "Viettel Global Lãi Lớn"
