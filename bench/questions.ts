/**
 * The fixed question mix of the latency benchmark: every intent the assistant handles, in the
 * corpus' domain (digital transformation, e-government, sea economy plans; procedure guides),
 * written for the benchmark (not taken from the eval set). Each base question appears twice:
 * as typed with diacritics and folded (no tone marks, đ→d) the way many citizens type.
 */
import { fold } from '../src/text/normalize.js';
import { seededRandom } from './stats.js';

export type BenchIntent =
  | 'who_leads'
  | 'who_cooperates'
  | 'deadline'
  | 'agency_tasks'
  | 'target'
  | 'procedure'
  | 'fact'
  | 'greeting'
  | 'out_of_scope';

export interface BenchQuestion {
  text: string;
  /** The intent the question was written for (the engine may classify differently). */
  intent: BenchIntent;
  folded: boolean;
}

const PROVINCES = ['Thanh Hóa', 'Sơn La', 'tỉnh Thanh Hóa', 'tỉnh Sơn La'];

const TOPICS = [
  'nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh',
  'hệ thống thông tin một cửa điện tử',
  'cổng dịch vụ công của tỉnh',
  'trung tâm giám sát, điều hành thông minh',
  'cấp chứng thư số cho cán bộ, công chức',
  'phủ sóng mạng di động 4G, 5G đến thôn bản',
  'bảo đảm an toàn thông tin theo mô hình 4 lớp',
  'gắn địa chỉ số cho hộ gia đình',
  'thanh toán không dùng tiền mặt trong dịch vụ công',
  'bồi dưỡng kỹ năng số cho cán bộ cấp xã',
  'kết nối cơ sở dữ liệu quốc gia về dân cư',
  'thành lập tổ công nghệ số cộng đồng',
  'hệ thống thông tin báo cáo của tỉnh',
  'số hóa hồ sơ, kết quả giải quyết thủ tục hành chính',
  'đưa sản phẩm nông sản lên sàn thương mại điện tử',
  'mạng truyền số liệu chuyên dùng đến cấp xã',
  'chuyển đổi sang giao thức IPv6',
  'tuyên truyền về chuyển đổi số trên báo, đài',
  'phát triển kinh tế biển bền vững',
  'quy hoạch không gian biển và vùng ven biển',
  'nuôi trồng, khai thác thủy sản xa bờ',
  'phòng chống thiên tai, ứng phó biến đổi khí hậu vùng ven biển',
];

const AGENCIES = [
  'Sở Thông tin và Truyền thông',
  'Sở TT&TT',
  'Sở Nội vụ',
  'Sở Tài chính',
  'Sở Kế hoạch và Đầu tư',
  'Văn phòng UBND tỉnh',
  'Công an tỉnh',
  'Sở Y tế',
  'UBND cấp huyện',
  'Sở Công Thương',
  'Sở Giáo dục và Đào tạo',
  'Sở Tài nguyên và Môi trường',
];

const METRICS = [
  'dịch vụ công trực tuyến toàn trình',
  'hồ sơ thủ tục hành chính được xử lý trực tuyến',
  'văn bản điện tử có chữ ký số',
  'hộ gia đình có cáp quang',
  'người dân có điện thoại thông minh',
  'doanh nghiệp nhỏ và vừa sử dụng nền tảng số',
  'báo cáo định kỳ gửi qua hệ thống thông tin báo cáo',
  'kinh tế số trong GRDP',
];

const PROCEDURES = [
  'làm giấy khai sinh',
  'đăng ký kết hôn',
  'đăng ký khai tử',
  'xin phiếu lý lịch tư pháp',
  'chứng thực bản sao từ bản chính',
  'đăng ký thường trú',
  'thành lập hộ kinh doanh',
  'xin giấy phép xây dựng nhà ở',
  'cấp sổ đỏ lần đầu',
  'xin trợ cấp xã hội hằng tháng',
  'thành lập doanh nghiệp',
  'trích lục hộ tịch',
];

const PROCEDURE_ASPECTS = [
  (p: string) => `${p} cần giấy tờ gì?`,
  (p: string) => `${p} nộp hồ sơ ở đâu?`,
  (p: string) => `${p} mất bao lâu?`,
  (p: string) => `lệ phí ${p} là bao nhiêu?`,
  (p: string) => `Thủ tục ${p} gồm những bước nào?`,
];

const GREETINGS = ['Xin chào', 'Chào bạn, chúc buổi sáng tốt lành', 'Cảm ơn bạn nhiều', 'Bạn là ai vậy?', 'Bạn có thể giúp tôi những gì?', 'Chào trợ lý ảo'];

const OUT_OF_SCOPE = [
  'Giá vàng hôm nay bao nhiêu một chỉ?',
  'Thời tiết Hà Nội cuối tuần này thế nào?',
  'Tối qua đội tuyển Việt Nam đá với ai?',
  'Cách nấu phở bò ngon tại nhà?',
  'Ai chủ trì xây dựng trạm nghiên cứu trên sao Hỏa?',
  'Chỉ tiêu số tàu vũ trụ phóng năm 2030 là bao nhiêu?',
  'Tỷ giá đô la Mỹ hôm nay?',
  'Gợi ý phim hay để xem tối nay',
  'Kế hoạch tổ chức lễ hội pháo hoa quốc tế của tỉnh Cà Mau năm 2022 do ai chủ trì?',
  'Mã nguồn hệ điều hành Windows nằm ở đâu?',
];

type Template = (pick: <T>(items: readonly T[]) => T) => string;

const TEMPLATES: Record<Exclude<BenchIntent, 'greeting' | 'out_of_scope'>, Template[]> = {
  who_leads: [
    (p) => `Ai chủ trì ${p(TOPICS)} ở ${p(PROVINCES)}?`,
    (p) => `Đơn vị nào chịu trách nhiệm chính về ${p(TOPICS)}?`,
    (p) => `${p(PROVINCES)}: cơ quan nào chủ trì triển khai ${p(TOPICS)}?`,
    (p) => `Việc ${p(TOPICS)} do sở nào chủ trì?`,
  ],
  who_cooperates: [
    (p) => `Đơn vị nào phối hợp thực hiện ${p(TOPICS)}?`,
    (p) => `${p(TOPICS)} ở ${p(PROVINCES)} có những cơ quan nào phối hợp?`,
    (p) => `Cơ quan phối hợp trong nhiệm vụ ${p(TOPICS)} là ai?`,
  ],
  deadline: [
    (p) => `${p(TOPICS)} phải hoàn thành khi nào?`,
    (p) => `Thời hạn ${p(TOPICS)} của ${p(PROVINCES)} là bao giờ?`,
    (p) => `Hạn chót ${p(TOPICS)} là ngày nào?`,
    (p) => `Khi nào phải xong ${p(TOPICS)}?`,
  ],
  agency_tasks: [
    (p) => `${p(AGENCIES)} phải làm gì trong năm ${p(['2019', '2022', '2023'])}?`,
    (p) => `Nhiệm vụ của ${p(AGENCIES)} ${p(PROVINCES)} là gì?`,
    (p) => `${p(AGENCIES)} cần hoàn thành việc gì trước tháng ${p(['6', '9', '11', '12'])}?`,
  ],
  target: [
    (p) => `Chỉ tiêu tỷ lệ ${p(METRICS)} năm ${p(['2020', '2022', '2023', '2025'])} là bao nhiêu?`,
    (p) => `${p(PROVINCES)} đặt mục tiêu bao nhiêu % ${p(METRICS)}?`,
    (p) => `Tỷ lệ ${p(METRICS)} phải đạt bao nhiêu phần trăm?`,
  ],
  procedure: PROCEDURE_ASPECTS.map((aspect) => (p) => aspect(p(PROCEDURES))),
  fact: [
    (p) => `Kế hoạch chuyển đổi số năm 2023 của ${p(PROVINCES)} số mấy, ban hành ngày nào?`,
    (p) => `Báo cáo tổng kết 10 năm nghị quyết về chiến lược biển nêu những hạn chế gì về ${p(['cảng biển', 'du lịch biển', 'kinh tế thủy sản', 'môi trường biển'])}?`,
    (p) => `Ban Chỉ đạo chuyển đổi số ${p(PROVINCES)} có mấy tổ công tác?`,
    (p) => `Quyết định ban hành kế hoạch hành động chính quyền điện tử của ${p(PROVINCES)} có hiệu lực từ khi nào?`,
    (p) => `Chủ đề ngày chuyển đổi số của ${p(PROVINCES)} là gì?`,
  ],
};

/** How many base questions per intent (each appears with and without diacritics). */
export const MIX_COUNTS: Record<BenchIntent, number> = {
  who_leads: 16,
  who_cooperates: 12,
  deadline: 16,
  agency_tasks: 12,
  target: 12,
  procedure: 16,
  fact: 10,
  greeting: 6,
  out_of_scope: 10,
};

/** The benchmark mix: deterministic (seeded), ≥ 200 questions, half of them folded. */
export function questionMix(seed = 7): BenchQuestion[] {
  const rng = seededRandom(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const base: Array<{ text: string; intent: BenchIntent }> = [];
  for (const [intent, count] of Object.entries(MIX_COUNTS) as Array<[BenchIntent, number]>) {
    const seen = new Set<string>();
    for (let i = 0, guard = 0; i < count && guard < count * 50; guard++) {
      let text: string;
      if (intent === 'greeting') text = GREETINGS[i % GREETINGS.length]!;
      else if (intent === 'out_of_scope') text = OUT_OF_SCOPE[i % OUT_OF_SCOPE.length]!;
      else {
        const templates = TEMPLATES[intent];
        text = templates[i % templates.length]!(pick);
      }
      if (seen.has(text) && intent !== 'greeting') continue;
      seen.add(text);
      base.push({ text, intent });
      i++;
    }
  }
  return base.flatMap(({ text, intent }) => [
    { text, intent, folded: false },
    { text: fold(text), intent, folded: true },
  ]);
}
