import type { ActionType } from "../records/kinds";
import type { Role } from "../keys/api-keys";
import type { CaptureError } from "../capture/browser-capture";
import { CHANNEL_NAMES } from "../records/channels";
import type { StepState } from "../cases/timeline";
import { ERROR_SENTENCES } from "./errors";

/**
 * Every text the portal, the verification page and the public pages show a person, Chinese and
 * English side by side so neither can be added without the other. Pages take it through
 * i18next (`translator`); `{{name}}` is filled in at the point of use.
 */
type Pair = readonly [zh: string, en: string];
interface Section {
  [key: string]: Pair | Section;
}

const COMMON = {
  language: ["语言", "Language"],
  copy: ["复制", "Copy"],
  copied: ["已复制", "Copied"],
  none: ["无", "none"],
  dash: ["—", "—"],
} satisfies Section;

/** What a validator's complaint about one field means (its text never reaches a person). */
const ISSUES = {
  required: ["必填", "Required"],
  email: ["邮箱格式不正确", "Not a valid e-mail address"],
  url: ["链接格式不正确（https://…）", "Not a valid link (https://…)"],
  tooLong: ["内容过长", "Too long"],
  creditCode: ["统一社会信用代码格式不正确", "Not a valid unified social credit code"],
  future: ["日期不能晚于今天", "The date cannot be later than today"],
  check: ["请检查此项", "Check this field"],
} satisfies Section;

const PORTAL = {
  title: ["当事人门户", "Parties' portal"],
  signIn: ["登录", "Sign in"],
  keyNote: [
    "API 密钥只保存在本标签页中，关闭即清除。",
    "Your API key stays in this tab only and is gone when you close it.",
  ],
  key: ["API 密钥", "API key"],
  signOut: ["退出", "Sign out"],
  myCases: ["我的案件", "My cases"],
  colNotice: ["通知", "Notice"],
  colReceived: ["收到", "Received"],
  colNext: ["下一步", "Next step"],
  colOverdue: ["逾期", "Overdue"],
  noCases: ["暂无案件", "No cases yet."],
  view: ["查看", "View"],
  timeline: ["案件时间线", "Case timeline"],
  downloadCertificate: ["下载通知存证证书", "Download the notice's certificate"],
  downloadCaptureCertificate: ["下载取证存证证书", "Download the capture's certificate"],
  downloadBundle: ["下载材料包", "Download the court bundle"],
  anchored: ["通知已上链存证（第 {{batch}} 批）", "The notice is anchored (batch {{batch}})"],
  waiting: ["通知已接收，等待上链", "The notice is received, waiting to be anchored"],
  due: ["截止 {{due}}", "due {{due}}"],
  stepLine: ["{{step}}（{{state}}）", "{{step}} ({{state}})"],
  submitNotice: ["提交侵权通知", "Submit a notice"],
  channel: ["渠道", "Channel"],
  rightsHolder: ["权利人名称", "Rights holder"],
  idNumber: ["证件号码", "Identity document no."],
  email: ["邮箱", "E-mail"],
  right: ["权利类型", "Right"],
  registration: ["登记号", "Registration no."],
  niceClass: ["类别", "Nice class"],
  goods: ["核定商品", "Goods or services"],
  patentType: ["专利类型", "Patent type"],
  claims: ["权利要求", "Claims relied on"],
  claimFeature: ["技术特征比对：权利要求的技术特征", "Feature comparison: the claim's feature"],
  productFeature: ["被控侵权商品的对应特征", "The listed product's corresponding feature"],
  evaluationReport: [
    "专利权评价报告（实用新型、外观设计）",
    "Patent evaluation report (utility models, designs)",
  ],
  workTitle: ["作品名称", "Work title"],
  workType: ["作品类型", "Work type"],
  listingUrl: ["商品链接", "Listing URL"],
  shopId: ["店铺编号", "Shop id"],
  explanation: ["侵权说明", "Explanation"],
  evidenceFile: ["初步证据文件", "Evidence file"],
  proofFiles: [
    "权利证明文件（注册证书、登记证书、授权书等，可多选）",
    "Proof of the right (registration certificate, licence…; several allowed)",
  ],
  citeInNotice: ["作为侵权通知的证据", "Cite in a notice"],
  citedCapture: ["证据：网页取证 {{id}}", "Evidence: web capture {{id}}"],
  uncite: ["移除", "Remove"],
  undertaking: ["本人保证通知内容真实", "I undertake that this notice is true"],
  submit: ["提交", "Submit"],
  answer: ["提交不侵权声明", "Answer a notice"],
  noticeId: ["通知编号", "Notice id"],
  merchant: ["商户名称", "Merchant"],
  argument: ["理由", "Argument"],
  answerEvidence: [
    "不侵权初步证据（许可、发票、授权书）",
    "Evidence of non-infringement (licence, invoice, authorisation)",
  ],
  noticeNames: ["通知所指商品：{{url}}", "The notice names: {{url}}"],
  noticeShop: ["（店铺 {{shop}}）", " (shop {{shop}})"],
  submitted: ["已提交，案件如下：{{id}}", "Submitted: {{id}}"],
  notAccepted: ["未能提交：{{message}}", "Not accepted: {{message}}"],
  couldNotSignIn: ["未能登录：{{message}}", "Could not sign in: {{message}}"],
  patent: {
    invention: ["发明", "invention"],
    utility_model: ["实用新型", "utility model"],
    design: ["外观设计", "design"],
  },
  captureTitle: ["网页取证", "Capture a listing"],
  captureIntro: [
    "由本服务在全新浏览器中抓取商品页面，记录全部网络往来、截图与证书链，并作为证据存证。",
    "The service fetches the page itself in a fresh browser, records every exchange, screenshots and the certificate chain, and notarises them as evidence.",
  ],
  captureUrl: ["商品页面网址", "Listing URL"],
  captureCase: ["案件编号（可选）", "Case reference (optional)"],
  captureScroll: ["滚动页面并录屏", "Scroll the page and record the screen"],
  capturePersonal: [
    "页面含个人信息（如个人店主姓名、买家评价）：取证文件仅向您、平台和监管部门显示，可依法删除",
    "The page shows personal data (a sole trader's name, buyers' reviews): its files are shown only to you, the platform and regulators, and can be erased",
  ],
  captureButton: ["取证", "Capture"],
  captureState: {
    queued: ["排队中…", "Queued…"],
    capturing: ["取证中…", "Capturing…"],
    notarised: [
      "已取证并存证，证据记录：{{id}}",
      "Captured and notarised as evidence record {{id}}",
    ],
    failed: ["取证失败：{{reason}}", "Not captured: {{reason}}"],
  },
  noticeTrue: ["本通知内容真实。", "The contents of this notice are true."],
  declarationTrue: ["本声明内容真实。", "The contents of this declaration are true."],
} satisfies Section;

const ROLES: Record<Role, Pair> = {
  platform: ["平台", "platform"],
  rights_holder: ["权利人", "rights holder"],
  merchant: ["商户", "merchant"],
  regulator: ["监管部门", "regulator"],
  admin: ["管理员", "administrator"],
};

const VERIFY = {
  title: ["存证验证", "Evidence verification"],
  dropStrong: ["拖入原始文件核对，或点此选择", "Drop the original files here to check them"],
  dropHint: ["文件只在本浏览器中计算哈希", "or click to choose; they are hashed in this browser"],
  localNote: [
    "回执与文件只在本浏览器中验证，文件不会上传。",
    "Receipts and files are checked in this browser; files are never uploaded.",
  ],
  lookupTitle: ["凭证书查验", "Look up a certificate"],
  certificateNumber: ["证书编号", "Certificate number"],
  certificateCode: ["验证码", "Verification code"],
  lookUp: ["查验", "Look up"],
  receiptTitle: ["验证回执", "Verify a receipt"],
  receipt: ["回执（JSON）", "Receipt (JSON)"],
  files: ["原始文件", "Original files"],
  rpc: ["链 RPC 地址", "Chain RPC URL"],
  tsaRoots: ["时间戳机构根证书（PEM/DER，可选）", "TSA root certificates (PEM/DER, optional)"],
  serviceTsa: [
    "同时信任本服务配置的时间戳机构根证书",
    "Also trust the TSA roots this service is configured with",
  ],
  verify: ["验证", "Verify"],
  recordTitle: ["记录内容", "Record"],
  recordNote: [
    "经验证的记录内容；个人信息仅向有权查看者披露，其余显示为“已隐去”。",
    "The record as verified; personal values are disclosed only to those entitled, the rest show as hidden.",
  ],
  checksTitle: ["检查步骤", "Checks"],
  witnessesTitle: ["见证", "Witnesses"],
  step: {
    format: ["格式", "Format"],
    files: ["文件", "Files"],
    leaf: ["记录哈希", "Record hash"],
    disclosures: ["个人信息披露", "Personal data disclosed"],
    inclusion: ["默克尔证明", "Merkle proof"],
    batch: ["链上批次", "Batch on chain"],
    transaction: ["锚定交易", "Anchor transaction"],
    block: ["区块", "Block"],
    signature: ["运营方签名", "Operator signature"],
    witnesses: ["见证", "Witnesses"],
  },
  valid: ["✓ 此存证自 {{time}} 起未被篡改。", "✓ This record has not been altered since {{time}}."],
  invalid: [
    "✗ 无效：{{step}}未通过（{{code}}）。",
    "✗ INVALID: the {{step}} check failed ({{code}}).",
  ],
  couldNotCheck: ["无法验证：{{code}} {{message}}", "Could not check: {{code}} {{message}}"],
  provenBy: [
    "有效：由 {{source}} 证明；记录序号 {{seq}}，此前无缺失。",
    "VALID: proven by {{source}}; record seq {{seq}}, no gap before it.",
  ],
  noIndependent: [
    "注意：没有经验证的独立见证。",
    "Note: no witness independent of the operator was verified.",
  ],
  developmentChain: [
    "注意：本地开发链，仅在信任运营方的范围内证明完整性。",
    "Note: local development chain, integrity only as far as the operator is trusted.",
  ],
  filesMatch: ["✓ 文件与记录一致。", "✓ The files match the record."],
  filesUnchecked: [
    "记录已证实，但文件尚未核对：请在下方拖入原始文件。",
    "The record is proven, but its files have not been checked yet: drop the original files below.",
  ],
  chainUnreached: [
    "链无法访问，未能运行：{{missed}}。已通过：{{passed}}。",
    "The chain could not be reached; these checks did not run: {{missed}}. Passed without it: {{passed}}.",
  ],
  verifying: ["验证中…", "Verifying…"],
  chooseReceipt: ["请选择回执文件（JSON）。", "Choose a receipt file (JSON)."],
  hashing: ["计算哈希 {{name}}：{{percent}}%", "Hashing {{name}}: {{percent}}%"],
  emptyFile: ["{{name}}：文件为空（0 字节）", "{{name}}: the file is empty (0 bytes)"],
  controlled: ["运营方控制", "controlled by the operator"],
  independent: ["独立于运营方", "independent of the operator"],
  rpcNote: [
    "可选：{{choices}}（最后一个为本机 npm run chain），或您自己的节点。",
    "Any of these: {{choices}}, or your own node; the last is a chain on your machine (npm run chain).",
  ],
  lookupFailed: ["查验失败：{{reason}}", "Lookup failed: {{reason}}"],
  lookedUp: [
    "回执已按证书取得；可在上方拖入原始文件核对其哈希。",
    "The receipt was fetched for this certificate; drop the original files above to check their hashes too.",
  ],
  certificateLabel: ["证书 {{number}}", "Certificate {{number}}"],
  recordLabel: ["记录 {{id}}", "Record {{id}}"],
} satisfies Section;

/** Action types in words: the publication page's measures, the registers. */
const ACTIONS: Record<ActionType, Pair> = {
  formal_review: ["形式审查", "formal review"],
  substantive_review: ["实质审查", "substantive review"],
  takedown: ["删除", "takedown"],
  block: ["屏蔽", "block"],
  delink: ["断开链接", "delink"],
  terminate_transactions: ["终止交易和服务", "transactions and services terminated"],
  forward_notice: ["转送通知", "notice forwarded"],
  forward_declaration: ["转送声明", "declaration forwarded"],
  complaint_or_lawsuit_notified: ["已告知投诉或起诉", "complaint or lawsuit notified"],
  delay_excluded: ["不计入的延误", "excluded delay"],
  restore: ["终止措施（恢复）", "restored"],
  publish_notice: ["公示通知", "notice published"],
  publish_declaration: ["公示声明", "declaration published"],
  publish_result: ["公示处理结果", "result published"],
  publish_penalty: ["公示处罚", "penalty published"],
  publish_commitment: ["公示承诺", "commitment published"],
  publish_report: ["公示举报", "report published"],
  malicious_notice_flag: ["认定恶意通知", "malicious notice flagged"],
  expert_referral: ["提交专家意见", "referred to experts"],
  credit_penalty: ["信用惩戒", "credit penalty"],
  warning_letter: ["警示函", "warning letter"],
  rectification_checked: ["整改复核", "rectification checked"],
  suspension: ["暂停服务", "suspension"],
  key_management: ["重点管理", "key management"],
  merchant_exit: ["清退", "merchant exit"],
  filing_verified: ["核验入驻资料", "filing verified"],
  report_answered: ["答复举报", "report answered"],
};

const PUBLICATION = {
  title: ["知识产权保护公示", "IP protection publications"],
  pageTitle: ["公示", "Publications"],
  intro: [
    "依《电子商务法》第四十四条公示通知、声明及处理结果；个人信息已按公开规则隐去。",
    "Notices, declarations and outcomes published under E-Commerce Law art. 44, personal data redacted.",
  ],
  nothing: ["暂无公示。", "Nothing published yet."],
  published: ["公示时间 {{time}}", "Published {{time}}"],
  verifyPublication: ["验证公示", "verify the publication"],
  warning: ["警示", "Warning"],
  record: ["记录 {{id}}", "Record {{id}}"],
  verify: ["验证", "verify"],
  subject: {
    notice: ["侵权通知", "Notice"],
    declaration: ["不存在侵权行为声明", "Declaration"],
    outcome: ["处理结果", "Outcome"],
    penalty: ["行政处罚", "Penalty decision"],
    commitment: ["承诺", "Commitment"],
    report: ["消费者举报", "Consumer report"],
  },
  label: {
    receivedAt: ["收到时间", "Received"],
    channel: ["渠道", "Channel"],
    notifier: ["通知人", "Notifier"],
    right: ["权利", "Right"],
    listings: ["商品链接", "Listings"],
    explanation: ["侵权说明", "Explanation"],
    merchant: ["商户", "Merchant"],
    argument: ["理由", "Argument"],
    type: ["措施", "Measure"],
    effectiveAt: ["生效时间", "Took effect"],
    decidedBy: ["决定方", "Decided by"],
    reasons: ["理由", "Reasons"],
    measure: ["措施内容", "What was done"],
    legalGround: ["依据", "Legal ground"],
    redress: ["救济途径", "Redress"],
    authority: ["作出机关", "Authority"],
    documentNumber: ["文书编号", "Document number"],
    decidedOn: ["决定日期", "Decided on"],
    violation: ["违法行为", "Violation"],
    penalty: ["处罚", "Penalty"],
    party: ["承诺人", "Party"],
    text: ["承诺内容", "Commitment"],
    signedAt: ["签署日期", "Signed on"],
    validUntil: ["有效期至", "Valid until"],
    category: ["类别", "Category"],
    content: ["内容", "Content"],
  },
  rightType: {
    trademark: ["商标", "trademark"],
    patent: ["专利", "patent"],
    copyright: ["著作权", "copyright"],
  },
  decider: {
    person: ["人工决定", "decided by a person"],
    automated: ["自动决定", "decided automatically"],
  },
  contactsTitle: ["知识产权维权联络", "IP contacts"],
  contactsPageTitle: ["维权联络", "Contacts"],
  contact: ["联系人", "Contact"],
  how: ["联系方式", "How"],
  effectiveFrom: ["自 {{date}} 起生效", "effective from {{date}}"],
  earlier: ["历史版本", "Earlier versions"],
  noContacts: ["暂无。", "None published yet."],
} satisfies Section;

/**
 * A case's steps (`service/cases/timeline.ts` names them in English) in words: each as the act
 * it asks for, so its state ("待办", "已完成") reads beside it without contradicting it.
 */
const STEPS = {
  "notice received": ["收到通知", "notice received"],
  "notice published": ["公示通知", "notice published"],
  "substantive review at the raised threshold": [
    "提高标准的实质审查",
    "substantive review at the raised threshold",
  ],
  "notice forwarded to the merchant": ["转送通知给商家", "notice forwarded to the merchant"],
  "necessary measures taken": ["采取必要措施", "necessary measures taken"],
  "declaration (counter-notice) received": [
    "收到不侵权声明",
    "declaration (counter-notice) received",
  ],
  "declaration published": ["公示声明", "declaration published"],
  "declaration forwarded to the rights holder": [
    "转送声明给权利人",
    "declaration forwarded to the rights holder",
  ],
  "rights holder told it may complain or sue": [
    "告知权利人可投诉或起诉",
    "rights holder told it may complain or sue",
  ],
  "15-day wait for a complaint or lawsuit": [
    "等待投诉或起诉（15 日）",
    "15-day wait for a complaint or lawsuit",
  ],
  "complaint or lawsuit notified": ["权利人告知已投诉或起诉", "complaint or lawsuit notified"],
  "measures ended (restored)": ["终止措施（恢复）", "measures ended (restored)"],
  "measures ended on a finding of no infringement": [
    "审查认定不侵权，终止措施",
    "measures ended on a finding of no infringement",
  ],
  "result published": ["公示处理结果", "result published"],
  "remaining steps": ["其余步骤", "remaining steps"],
  "excluded delay": ["不计入的延误", "excluded delay"],
  "subscriber notified of the removal": ["通知用户已删除", "subscriber notified of the removal"],
  "counter-notice received": ["收到反通知", "counter-notice received"],
  "counter-notice forwarded to the complainant": [
    "转送反通知给投诉人",
    "counter-notice forwarded to the complainant",
  ],
  "action filed by the complainant": ["投诉人起诉", "action filed by the complainant"],
  "material restored": ["恢复内容", "material restored"],
  "decision on the notice": ["对通知作出决定", "decision on the notice"],
  "statement of reasons": ["说明理由", "statement of reasons"],
  "complaint window": ["申诉期", "complaint window"],
  "complaint received": ["收到申诉", "complaint received"],
  "complaint decided": ["对申诉作出决定", "complaint decided"],
} satisfies Section;

/** Why a capture failed, as its state says (`CaptureError` codes). */
const CAPTURE_FAILURES: Record<CaptureError["code"], Pair> = {
  CAPTURE_TIMEOUT: [
    "页面在时限内未加载完成，未存证任何内容。",
    "The page did not finish loading in time; nothing was notarised.",
  ],
  CAPTURE_URL_NOT_PUBLIC: ["该网址不是公网地址。", "The address is not a public one."],
  CAPTURE_URL_UNRESOLVED: ["该网址的域名无法解析。", "The address's host name does not resolve."],
  CAPTURE_URL_SELF: [
    "该页面跳转到本服务自身，本服务不对自身取证。",
    "The page leads to this service itself, which it does not capture.",
  ],
  CAPTURE_FETCH_FAILED: [
    "无法取得该页面（连接失败或证书不受信任）。",
    "The page could not be fetched (no connection, or a certificate not trusted).",
  ],
  CAPTURE_TOO_LARGE: [
    "页面超过取证大小上限，未存证任何内容。",
    "The page is larger than a capture may be; nothing was notarised.",
  ],
  CAPTURE_BROWSER_FAILED: [
    "服务的浏览器未能启动，请联系运营方。",
    "The service's browser did not start: contact the operator.",
  ],
  CAPTURE_KEY_REVOKED: [
    "提交取证的密钥已被撤销，未取证。",
    "The key that asked for the capture was revoked; nothing was captured.",
  ],
  CAPTURE_FAILED: [
    "浏览器未能完成取证（页面使其出错），未存证任何内容。",
    "The browser could not complete the capture (the page made it fail); nothing was notarised.",
  ],
  CAPTURE_INTERRUPTED: [
    "服务在取证时多次中断，未存证任何内容，请重新提交。",
    "The service stopped during the capture more than once; nothing was notarised. Ask again.",
  ],
};

const STATES: Record<StepState, Pair> = {
  done: ["已完成", "done"],
  late: ["逾期完成", "done late"],
  early: ["早于可为之时", "too early"],
  missing: ["未完成", "missing"],
  pending: ["待办", "pending"],
  "not-owed": ["无须办理", "not owed"],
  unknown: ["无法计算", "cannot be computed"],
};

const CHANNELS: Section = Object.fromEntries(
  Object.entries(CHANNEL_NAMES).map(([channel, name]) => [channel, [name.zh, name.en] as const]),
);

export const CATALOGUE = {
  common: COMMON,
  channel: CHANNELS,
  issue: ISSUES,
  error: ERROR_SENTENCES,
  portal: PORTAL,
  role: ROLES,
  verify: VERIFY,
  action: ACTIONS,
  publication: PUBLICATION,
  step: STEPS,
  captureFailure: CAPTURE_FAILURES,
  state: STATES,
} satisfies Section;

export const LANGUAGES = ["zh", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language a reader asked for, from most to least preferred (`navigator.languages`, Accept-Language). */
export function pickLanguage(preferences: readonly string[]): Language {
  for (const tag of preferences) {
    const primary = tag.trim().toLowerCase().split(/[-_;]/)[0];
    if (primary === "zh") return "zh";
    if (primary === "en") return "en";
  }
  return "zh";
}

type Tree = { [key: string]: string | Tree };

/** One language's side of the catalogue, as i18next takes it. */
export function messagesIn(language: Language, section: Section = CATALOGUE): Tree {
  const index = LANGUAGES.indexOf(language);
  return Object.fromEntries(
    Object.entries(section).map(([key, value]) => [
      key,
      Array.isArray(value) ? (value as Pair)[index]! : messagesIn(language, value as Section),
    ]),
  );
}
