// Chinese labels for codes the services' OpenAPI gives only as enums. The services send *_zh
// labels with most results; these are for forms and for fields that have none. Keep them in
// step with services/intake/wuying_intake/domain/catalog.py and warning's lifecycle.STATUS_ZH.

/** The 13 kinds of integrity information (seeds/002 篇5 二(一)), short label and guidance. */
export const CATEGORIES: { code: string; label: string; hint: string }[] = [
  { code: 'work_style', label: '作风问题', hint: '党政机关、公共企事业单位和党员干部在思想、工作、生活作风等方面的问题' },
  { code: 'integrity_self_discipline', label: '廉洁自律问题', hint: '在廉洁从政（从业）和廉洁自律方面的问题，如收受礼品礼金、违规吃喝' },
  { code: 'harm_to_public_interest', label: '损害群众利益问题', hint: '损害群众利益的突出问题，如吃拿卡要、优亲厚友' },
  { code: 'key_sectors', label: '重点领域违规问题', hint: '工程建设、土地出让、产权交易、医药购销、政府采购、资源开发、专项资金管理等领域的违规问题' },
  { code: 'administrative_affairs', label: '人事财务资产管理问题', hint: '人事、财务、资产等行政事务管理中违反规定的问题' },
  { code: 'law_abiding', label: '遵纪守法问题', hint: '在遵纪守法、依法办事等方面的问题' },
  { code: 'sector_malpractice', label: '部门和行业不正之风', hint: '部门和行业不正之风的新情况、新特点' },
  { code: 'policy_implementation', label: '政策落实问题', hint: '党和国家政策落实过程中存在的主要问题' },
  { code: 'emerging_tendency', label: '苗头性倾向性问题', hint: '违反廉政规定的苗头性、倾向性问题及其发展趋势' },
  { code: 'policy_reaction', label: '政策舆论反映', hint: '重大改革、重要政策措施出台前后的社会舆论反映' },
  { code: 'public_opinion', label: '意见建议和评价', hint: '对党风廉政建设和反腐败工作的意见、建议和评价' },
  { code: 'found_in_inspection_or_cases', label: '检查考察和办案中发现的问题', hint: '专项检查、干部考察及案件查办中发现的问题' },
  { code: 'other', label: '其他问题', hint: '其他违反党风廉政建设有关规定的反映' },
]

export const CHANNELS: Record<string, string> = {
  public_portal: '网上举报',
  letter: '来信',
  visit: '来访',
  hotline: '举报电话',
  special_supervisor: '特邀监督员反映',
  info_officer: '预警信息员报送',
  inspection: '巡察、专项检查中发现',
  audit: '审计中发现',
  case_handling: '案件查办中发现',
  assessment: '干部考察、考核中发现',
  online_opinion: '网络舆情',
}

export const OUTCOMES: Record<string, string> = {
  integrity_information: '廉情信息（转风险研判）',
  case_clue: '问题线索（移交案件办理）',
  no_substance: '无实质内容',
  duplicate: '重复举报',
  suspected_malicious: '疑似恶意举报（核实后澄清）',
}

export const SEVERITIES: Record<string, string> = { low: '较轻', medium: '较重', high: '严重' }

export const WARNING_STATUS: Record<string, string> = {
  proposed: '待审批',
  issued: '已发出',
  answered: '已说明',
  rectifying: '整改中',
  rectified: '已整改',
  revisited: '已回访',
  appealed: '申诉中',
  lifted: '已解除',
  revoked: '已撤销',
  rejected: '未批准',
  transferred_as_case_clue: '已转案件线索',
  superseded: '已被更高等级预警取代',
}

/** Three colours (DESIGN.md §4 Warning): level 3 blue, 2 yellow, 1 red. */
export const COLOURS: { level: number; colour: string; label: string; hex: string }[] = [
  { level: 1, colour: 'red', label: '红色预警', hex: '#c0392b' },
  { level: 2, colour: 'yellow', label: '黄色预警', hex: '#d4a017' },
  { level: 3, colour: 'blue', label: '蓝色预警', hex: '#2f6fb5' },
]

/** Who approves which level (seeds/002 篇5 三(一)2). */
export const APPROVER_BY_LEVEL: Record<number, string> = {
  3: 'commission_leader',
  2: 'commission_secretary',
  1: 'party_committee',
}

export const ROLES: Record<string, string> = {
  intake_clerk: '信访举报受理人员',
  intake_supervisor: '受理部门负责人',
  risk_officer: '风险防控人员',
  warning_officer: '预警中心工作人员',
  commission_leader: '纪委分管领导',
  commission_secretary: '纪委书记',
  party_committee: '党委',
  inspector: '巡察人员',
  archive_keeper: '档案管理人员',
  auditor: '审计监督人员',
  official: '被预警对象本人',
  operator: '运维人员',
  agency_reader: '其他机关（只读）',
}

/** The divisions the demo province uses (GB/T 2260); anything else shows its code. */
export const DIVISIONS: Record<string, string> = {
  '130000': '河北省',
  '130100': '石家庄市',
  '130102': '长安区',
  '130104': '桥西区',
  '130105': '新华区',
  '130108': '裕华区',
  '130123': '正定县',
  '130200': '唐山市',
  '130202': '路南区',
  '130203': '路北区',
  '130204': '古冶区',
  '130224': '滦南县',
  '130281': '遵化市',
  '130400': '邯郸市',
  '130402': '邯山区',
  '130403': '丛台区',
  '130404': '复兴区',
  '130406': '峰峰矿区',
  '130408': '永年区',
  '130600': '保定市',
  '130602': '竞秀区',
  '130606': '莲池区',
  '130607': '满城区',
  '130681': '涿州市',
}

export function divisionName(code: string | null | undefined): string {
  if (!code) return ''
  return DIVISIONS[code] ?? code
}

/** Counties (not cities or the province) of the demo province, for selects. */
export const COUNTIES = Object.entries(DIVISIONS)
  .filter(([code]) => !code.endsWith('00'))
  .map(([code, name]) => ({ code, name, city: DIVISIONS[code.slice(0, 4) + '00'] ?? '' }))

export function scopeLevel(code: string): 'province' | 'city' | 'county' {
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'county'
}

/** Whether an authorised division code covers a county (wuying_common.auth.covers). */
export function covers(scope: string, county: string): boolean {
  if (scope === county) return true
  if (scope.endsWith('0000')) return county.slice(0, 2) === scope.slice(0, 2)
  if (scope.endsWith('00')) return county.slice(0, 4) === scope.slice(0, 4)
  return false
}
