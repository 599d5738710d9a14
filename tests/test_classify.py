"""Vocabulary matching: programmes, sources, stages, provinces, districts, row kinds, header parts."""

from __future__ import annotations

import pytest

from analysis.ingest import classify


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất rượu thanh long", "demonstration"),
        ("Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công", "capacity"),
        ("Đào tạo nâng cao năng lực quản lý doanh nghiệp", "management"),
        ("I. Chương trình hỗ trợ xây dựng mô hình trình diễn kỹ thuật", "demonstration"),
        ("Hỗ trợ tham gia hội chợ triển lãm hàng CNNT tiêu biểu", "products"),
        ("Xây dựng chương trình truyền hình khuyến công", "information"),
        ("Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", "consulting"),
        ("Đào tạo nghề, truyền nghề", "training"),
        ("HO TRO UNG DUNG MAY MOC THIET BI", "demonstration"),
        ("Hợp tác quốc tế về khuyến công", "international"),
        ("Phát triển cụm công nghiệp", "cooperation"),
        ("Chi mua văn phòng phẩm", ""),
    ],
)
def test_programme_most_specific_wins(label: str, code: str) -> None:
    assert classify.classify_program(label) == code


def test_sources_and_source_lines() -> None:
    assert classify.classify_source("Khuyến công quốc gia (KCQG)") == "national"
    assert classify.classify_source("Kinh phí khuyến công địa phương") == "local"
    assert classify.classify_source("Vốn đối ứng của cơ sở") == "counterpart"
    assert classify.is_source_label("Khuyến công địa phương (KCĐP)")
    assert not classify.is_source_label("Hỗ trợ máy sấy cho cơ sở A thuộc chương trình KCQG năm 2016")


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("KẾ HOẠCH KHUYẾN CÔNG NĂM 2017", "plan"),
        ("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH KHUYẾN CÔNG 2016", "actual"),
        ("Danh mục đề án được phê duyệt năm 2018", "plan"),
        ("Ước thực hiện năm 2017", "actual"),
        ("Quyết toán kinh phí 2015", "actual"),
        ("Danh sách cơ sở", ""),
    ],
)
def test_stage_from_earliest_wording(text: str, stage: str) -> None:
    assert classify.detect_stage(text) == stage


def test_stage_tokens_in_names() -> None:
    assert classify.detect_stage("BD_KH_2017", tokens=True) == "plan"
    assert classify.detect_stage("TH2016", tokens=True) == "actual"
    assert classify.detect_stage("thanh_hoa", tokens=True) == ""


def test_years_and_provinces() -> None:
    assert classify.detect_year("KẾ HOẠCH KHUYẾN CÔNG NĂM 2017 (kèm QĐ số 12/2016)") == 2017
    assert classify.detect_province("UBND TỈNH BÌNH DƯƠNG") == "Bình Dương"
    assert classify.detect_province("binh_duong") == "Bình Dương"
    assert classify.detect_province("SỞ CÔNG THƯƠNG TỈNH HÀ NAM") == "Hà Nam"
    assert classify.detect_province("TP. HCM") == "Hồ Chí Minh"
    assert classify.detect_province("Báo cáo tổng hợp") == ""


@pytest.mark.parametrize(
    ("place", "district"),
    [
        ("TX. Dĩ An", "Dĩ An"),
        ("Di An", "Dĩ An"),
        ("P. An Phú, TX. Thuận An", "Thuận An"),
        ("thị xã Tân Uyên", "Tân Uyên"),
        ("huyện Bắc Tân Uyên", "Bắc Tân Uyên"),
        ("TP. Thủ Dầu Một", "Thủ Dầu Một"),
        ("xã Long Hòa, huyện Mỹ Tú", "Mỹ Tú"),
        ("", ""),
    ],
)
def test_district_normalised(place: str, district: str) -> None:
    assert classify.normalise_district(place) == district


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Tổng cộng", "total"),
        ("TỔNG CỘNG (I+II+III)", "total"),
        ("Cộng", "total"),
        ("Cộng A", "total"),
        ("Tổng số", "total"),
        ("Cộng đồng doanh nghiệp", ""),
        ("Tổng hợp ý kiến", ""),
        ("Trong đó:", "breakdown"),
        ("Ghi chú: số liệu tạm tính", "note"),
        ("KT. GIÁM ĐỐC", "note"),
    ],
)
def test_row_kinds(label: str, kind: str) -> None:
    assert classify.classify_row_label(label) == kind


def test_header_parts() -> None:
    meaning = classify.classify_header_part("Kinh phí KCQG")
    assert meaning is not None and (meaning.role, meaning.funding_source) == ("amount", "national")
    assert classify.classify_header_part("Đối ứng").funding_source == "counterpart"
    assert classify.classify_header_part("Số đề án").role == "n_projects"
    assert classify.classify_header_part("Kinh phí (triệu đồng)").role == "amount"
    assert classify.classify_header_part("Đơn vị thụ hưởng").role == "beneficiary"
    assert classify.classify_header_part("Lorem ipsum") is None


def test_a_place_name_is_not_a_stage_word() -> None:
    """'Giao Thủy', 'Phú Giáo': the bare word 'giao' no longer sets a plan; 'được giao', 'KH đã giao' still do."""
    assert classify.detect_stage_phase("DANH MỤC ĐỀ ÁN HUYỆN GIAO THỦY NĂM 2023") == ("", "")
    assert classify.detect_stage_phase("KH đã giao") == ("plan", "approved")
    assert classify.detect_stage_phase("Dự toán được giao trong năm") == ("plan", "approved")
    assert classify.names_a_place("H. Phú Giáo") and not classify.names_a_place("Kinh phí giao")


def test_a_request_to_settle_is_an_actual_a_registration_a_plan() -> None:
    assert classify.detect_stage_phase("Tờ trình đề nghị quyết toán kinh phí") == ("actual", "settled")
    assert classify.detect_stage_phase("Kinh phí đề nghị hỗ trợ") == ("plan", "proposed")
    assert classify.detect_stage_phase("Đăng ký thực hiện đề án") == ("plan", "proposed")
