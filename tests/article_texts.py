"""Short articles written for the bot tests (our own sentences, facts true to life)."""

ON_SECTOR = """Viettel phủ sóng 5G tại 63 tỉnh thành {n}

Tập đoàn Viettel cho biết mạng 5G của doanh nghiệp viễn thông này đã phủ sóng 63 tỉnh thành, \
với hơn 30.000 trạm phát sóng, lô {n}.
Viettel đặt mục tiêu đến năm 2030 có 99% dân số được phủ sóng 5G và cáp quang tới mọi xã.
Các nhà mạng viễn thông khác như VNPT và MobiFone cũng tăng tốc triển khai hạ tầng băng rộng.
Theo Bộ Thông tin và Truyền thông, thuê bao di động 5G tăng mạnh trong quý vừa qua.
"""

OFF_SECTOR = """Đội chủ nhà thắng trận derby thủ đô

Câu lạc bộ bóng đá Viettel thắng 2-1 trên sân Hàng Đẫy tối qua.
Hai bàn thắng được ghi trong hiệp hai sau những pha phối hợp đẹp mắt.
Huấn luyện viên khen ngợi tinh thần thi đấu của các cầu thủ trẻ.
Trận đấu tiếp theo diễn ra vào cuối tuần tại sân Thống Nhất.
"""

POSTAL = """Bưu điện Việt Nam đặt mục tiêu logistics đến năm 2030

Tổng công ty Bưu điện Việt Nam (VNPost) đặt mục tiêu đến năm 2030 doanh thu bưu chính đạt \
50.000 tỷ đồng.
Mạng bưu chính công cộng sẽ được số hoá, với bưu cục thông minh tại mọi huyện.
Dịch vụ chuyển phát và thương mại điện tử là trụ cột tăng trưởng của bưu chính.
Bưu điện Việt Nam cũng mở rộng dịch vụ hành chính công qua mạng lưới bưu cục.
"""

SECURITY = """An ninh mạng: 100% cơ quan nhà nước có trung tâm giám sát vào năm 2030

Cục An toàn thông tin đặt mục tiêu đến năm 2030 mọi cơ quan nhà nước có trung tâm giám sát \
an ninh mạng.
Các cuộc tấn công mạng bằng mã độc tống tiền tăng 30% trong năm qua.
Doanh nghiệp an ninh mạng trong nước được khuyến khích phát triển sản phẩm bảo mật.
Diễn tập an toàn thông tin được tổ chức thường xuyên để ứng phó sự cố.
"""
