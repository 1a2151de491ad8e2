import type { ErrorCode } from "../errors/codes";

/**
 * Codes a page raises itself, never the API: a link typed wrong is caught before it is sent,
 * and a request that never reached the service has no code of the service's.
 */
export type PageErrorCode = "URL_INVALID" | "NETWORK" | "INTERNAL";

/**
 * What each refusal means, in a sentence a person acts on: Chinese, then English. Keyed by the
 * code the API answers with, and typed by the list of codes, so a code added to the service
 * without its sentence does not compile. The API's own `message` stays for engineers.
 */
export const ERROR_SENTENCES: Record<ErrorCode | PageErrorCode, readonly [string, string]> = {
  AUTH_MISSING: ["请先输入 API 密钥。", "Enter your API key first."],
  AUTH_INVALID: [
    "密钥无效或已被撤销，请核对后重试。",
    "This key is not valid or was revoked: check it and try again.",
  ],
  AUTH_SCHEME_MISSING: [
    "请求头须写作 “Authorization: Bearer 密钥”；在本页只需粘贴密钥本身。",
    'The header must read "Authorization: Bearer <key>"; on this page paste the key itself.',
  ],
  FORBIDDEN_ROLE: ["您的密钥无权进行此操作。", "Your key's role does not allow this."],
  RECORD_FORBIDDEN: [
    "此记录不属于您参与的案件，无权查看。",
    "This record is not part of a case you are a party to.",
  ],
  SUBMISSION_FORBIDDEN: [
    "您的密钥不能提交此类材料。",
    "Your key cannot submit this kind of record.",
  ],
  SUBMISSION_NOT_OWN: [
    "只能以本人（本单位）名义提交：证件号码须为您密钥登记的号码。",
    "You can submit only in your own name: the identity number must be one your key is registered with.",
  ],

  NOT_FOUND: ["找不到此地址。", "There is nothing at this address."],
  METHOD_NOT_ALLOWED: [
    "此地址不接受这种请求。",
    "This address does not take this kind of request.",
  ],
  UNSUPPORTED_MEDIA_TYPE: [
    "请以 JSON 或表单上传（multipart）提交。",
    "Send JSON, or a multipart upload.",
  ],
  BAD_REQUEST: [
    "请求无法理解，请检查后重试。",
    "The request could not be read: check it and retry.",
  ],
  REQUEST_MALFORMED: [
    "请求格式有误，请检查后重试。",
    "The request is malformed: check it and retry.",
  ],
  REQUEST_HEADERS_TIMEOUT: [
    "请求发送太慢，连接已关闭，请重试。",
    "The request was too slow to arrive; the connection was closed. Try again.",
  ],
  REQUEST_HEADERS_TOO_LARGE: ["请求头过大。", "The request's headers are too large."],
  REQUEST_BODY_TIMEOUT: [
    "上传超时，请在网络较好时重试。",
    "The upload took too long: try again on a better connection.",
  ],
  REQUEST_BODY_TOO_SLOW: [
    "上传速度过慢，已中断，请在网络较好时重试。",
    "The upload was too slow and was stopped: try again on a better connection.",
  ],

  MULTIPART_INVALID: [
    "上传内容不完整或格式有误，请重新选择文件上传。",
    "The upload is incomplete or malformed: choose the files and upload again.",
  ],
  UPLOAD_INVALID: ["上传内容有误，请重新上传。", "The upload could not be read: upload again."],
  UPLOAD_UNEXPECTED_FIELD: [
    "上传中有不应出现的项目。",
    "The upload holds a part this address does not take.",
  ],
  FILE_TOO_LARGE: ["文件过大。", "The file is too large."],
  TOO_MANY_FILES: ["一次提交的文件过多。", "Too many files in one submission."],
  TOO_MANY_PARTS: ["上传的项目过多。", "Too many parts in the upload."],
  FILE_NAME_INVALID: [
    "文件名不可用，请改名后重试（不含路径和控制字符）。",
    "The file name cannot be used: rename it (no path, no control characters).",
  ],
  FILE_NAME_DUPLICATE: [
    "两个文件同名，请改名后重试。",
    "Two files have the same name: rename one and try again.",
  ],
  FILE_DIGEST_INVALID: [
    "文件摘要格式不正确（应为 64 位十六进制）。",
    "The file digest is not valid (64 hexadecimal characters).",
  ],

  RECORD_INVALID_JSON: ["记录不是有效的 JSON。", "The record is not valid JSON."],
  RECORD_TOO_LARGE: ["记录内容过长。", "The record is too large."],
  RECORD_INVALID: ["请修正红字标出的项目。", "Correct the fields marked in red."],
  RECORD_MISSING: ["没有收到记录内容。", "No record was sent."],
  RECORD_UNKNOWN_KIND: ["不支持此类记录。", "This kind of record is not one the service keeps."],
  RECORD_INVALID_METADATA: ["请修正红字标出的项目。", "Correct the fields marked in red."],
  RECORD_FILE_NOT_ATTACHED: [
    "记录提到的文件没有随附上传。",
    "A file the record names was not uploaded with it.",
  ],
  RECORD_DATE_IN_FUTURE: ["日期不能晚于现在。", "A date cannot be later than now."],
  REVIEW_CONTRADICTS_ELEMENTS: [
    "审查结论与通知所缺要素相矛盾。",
    "The review's outcome contradicts what the notice lacks.",
  ],
  PUBLICATION_INCOMPLETE: [
    "通知或声明要素不全，不能公示。",
    "The notice or declaration lacks required elements and cannot be published.",
  ],
  COLLECTION_METHOD_RESERVED: [
    "“服务取证”只能由本服务自行取证时写入，请改用其他取证方式。",
    'Only the service\'s own captures are recorded as "service_capture": name another method.',
  ],
  RECORD_NOT_FOUND: ["找不到此记录。", "There is no such record."],
  FILE_NOT_FOUND: ["找不到此文件。", "There is no such file."],
  FILE_ERASED: [
    "此文件含个人信息，已依法删除；其哈希仍在记录中。",
    "This file held personal data and was erased; its hash stays in the record.",
  ],
  FILE_PERSONAL: [
    "此文件含个人信息，您无权下载。",
    "This file holds personal data you are not entitled to download.",
  ],
  LINK_UNKNOWN_RECORD: [
    "找不到所选记录，或您无权查看。",
    "The chosen record cannot be found, or you may not read it.",
  ],
  LINK_WRONG_KIND: ["所关联的记录类型不对。", "The linked record is of the wrong kind."],
  LINK_MISSING: ["缺少必需的关联记录。", "A required link to another record is missing."],
  LINK_TOO_MANY: ["关联的记录过多。", "Too many links."],
  LINK_NOT_ALLOWED: ["此类记录不能这样关联。", "This kind of record cannot carry this link."],
  LINK_DUPLICATE: ["同一记录关联了两次。", "The same record is linked twice."],

  BATCH_INDEX_INVALID: ["批次编号不正确。", "The batch number is not valid."],
  BATCH_NOT_FOUND: ["找不到此批次。", "There is no such batch."],
  RECEIPT_MALFORMED: ["回执文件已损坏或不完整。", "The receipt is damaged or incomplete."],
  RECEIPT_UNSUPPORTED_FORMAT: ["不支持此回执版本。", "This receipt version is not supported."],
  ANCHOR_DEADLINE_INVALID: ["上链时限参数不正确。", "The anchoring deadline is not valid."],
  TSA_CA_INVALID: [
    "时间戳机构根证书无法读取（应为 PEM 或 DER）。",
    "The TSA root certificate cannot be read (PEM or DER).",
  ],
  CERTIFICATE_FORMAT_INVALID: [
    "证书格式只能是 PDF 或 JSON。",
    "A certificate comes as PDF or JSON.",
  ],
  CERTIFICATE_NOT_READY: [
    "记录尚未上链，证书稍后可得。",
    "The record is not anchored yet: its certificate comes shortly.",
  ],

  ERASURE_INVALID: ["删除请求有误。", "The erasure request is not valid."],
  ERASURE_FIELD_UNKNOWN: [
    "要删除的项目不是此记录的个人信息。",
    "A field named for erasure is not a personal value of this record.",
  ],
  ERASURE_FILE_UNKNOWN: [
    "要删除的文件不属于此记录。",
    "A file named for erasure is not one of this record's.",
  ],
  ERASURE_FILE_NOT_PERSONAL: [
    "此文件是证据本身，不含个人信息标记，不能删除。",
    "This file is the evidence itself, not marked personal, and cannot be erased.",
  ],
  NOTHING_TO_ERASE: ["已无可删除的个人信息。", "There is no personal data left to erase."],
  CERTIFICATE_LOOKUP_FAILED: [
    "证书编号或验证码不正确，请核对证书上的字样。",
    "The certificate number or code does not match: check them against the certificate.",
  ],
  BUNDLE_TOO_LARGE: [
    "材料包过大，请缩小范围后重试。",
    "The bundle is too large: narrow it and try again.",
  ],
  BUNDLE_FILE_ALTERED: [
    "存储的文件与记录不符，已通知运营方核查。",
    "A stored file does not match its record; the operator must run the audit.",
  ],
  FILE_MISSING: [
    "存储的文件缺失，已通知运营方核查。",
    "A stored file is missing; the operator must run the audit.",
  ],
  CERTIFICATE_CODE_MISSING: [
    "请输入证书上的验证码。",
    "Enter the verification code printed on the certificate.",
  ],
  LOOKUP_RATE_LIMITED: [
    "查验次数过多，请一分钟后再试。",
    "Too many lookups: try again in a minute.",
  ],
  CERTIFICATE_FONT_MISSING: [
    "服务暂时无法生成证书，请稍后再试。",
    "The service cannot render certificates just now: try again shortly.",
  ],

  SEARCH_UNKNOWN_FILTER: ["不支持此查询条件。", "This search filter is not one the service knows."],
  SEARCH_INVALID: ["查询条件有误。", "The search is not valid."],
  SEARCH_REVERSED_RANGE: ["起始时间晚于结束时间。", "The range starts after it ends."],
  EXPORT_UNKNOWN_FILTER: ["不支持此导出条件。", "This export filter is not one the service knows."],
  EXPORT_INVALID: ["导出条件有误。", "The export request is not valid."],
  EXPORT_REVERSED_RANGE: ["起始时间晚于结束时间。", "The range starts after it ends."],
  EXPORTS_BUSY: ["导出任务繁忙，请半分钟后再试。", "Exports are busy: try again in half a minute."],
  REPORT_INVALID: ["报告条件有误。", "The report request is not valid."],
  REPORT_REVERSED_RANGE: ["起始时间晚于结束时间。", "The range starts after it ends."],
  CASE_JURISDICTION_INVALID: [
    "不支持此法域（可选 CN、US、EU）。",
    "This jurisdiction is not supported (CN, US or EU).",
  ],
  CASE_NOT_FOUND: [
    "找不到此案件，或您无权查看。",
    "There is no such case, or you may not read it.",
  ],
  CASE_QUERY_INVALID: ["案件查询条件有误。", "The case query is not valid."],
  WEBHOOK_INVALID: ["回调设置有误。", "The webhook request is not valid."],
  WEBHOOK_URL_INVALID: [
    "回调地址须为 https:// 开头的有效地址。",
    "The webhook URL must be a valid https:// address.",
  ],
  WEBHOOK_URL_SELF: ["回调地址不能指向本服务。", "A webhook cannot point at this service."],
  WEBHOOK_URL_PRIVATE: ["回调地址不能是内网地址。", "A webhook cannot point at a private address."],
  WEBHOOK_URL_UNRESOLVED: ["回调地址的域名无法解析。", "The webhook's host name does not resolve."],
  WEBHOOK_NOT_FOUND: ["找不到此回调。", "There is no such webhook."],

  CAPTURE_INVALID: ["取证请求有误。", "The capture request is not valid."],
  CAPTURE_URL_INVALID: [
    "网址须以 http:// 或 https:// 开头。",
    "The address must start with http:// or https://.",
  ],
  CAPTURE_URL_NOT_PUBLIC: [
    "只能取证公网网址，不能是内网或本机地址。",
    "Only public addresses are captured, not private or local ones.",
  ],
  CAPTURE_URL_UNRESOLVED: [
    "网址的域名无法解析，请核对后重试。",
    "The address's host name does not resolve: check it and try again.",
  ],
  CAPTURE_URL_SELF: ["不能取证本服务自己的页面。", "The service does not capture its own pages."],
  CAPTURE_NOT_FOUND: [
    "找不到此取证，或您无权查看。",
    "There is no such capture, or you may not read it.",
  ],
  CAPTURE_QUEUE_FULL: [
    "取证排队已满，请半分钟后再试。",
    "Too many captures are waiting: try again in half a minute.",
  ],
  REGISTER_QUERY_INVALID: ["登记簿查询条件有误。", "The register query is not valid."],
  REGISTER_MERCHANT_UNKNOWN: ["登记簿中没有此商户。", "The register has no such merchant."],
  CREDIT_PARTY_UNKNOWN: ["信用记录中没有此当事人。", "The credit register has no such party."],
  BINDER_QUERY_INVALID: ["评价材料的期间有误。", "The binder's period is not valid."],
  CAMPAIGN_REGION_INVALID: ["地区代码有误。", "The region code is not valid."],
  CAMPAIGN_UNIT_UNKNOWN: ["没有此填报单位。", "There is no such reporting unit."],
  AUDIT_FORMAT_INVALID: ["审计报告格式只能是 JSON 或 PDF。", "An audit comes as JSON or PDF."],
  MANIFEST_MALFORMED: ["导出清单已损坏。", "The export manifest is damaged."],
  MANIFEST_UNSUPPORTED_FORMAT: [
    "不支持此导出清单版本。",
    "This manifest version is not supported.",
  ],

  KEY_INVALID: ["密钥设置有误。", "The key request is not valid."],
  KEY_NOT_FOUND: ["找不到此密钥。", "There is no such key."],
  KEY_EXISTS: ["此密钥编号已存在。", "A key with this id exists."],
  KEY_LAST_ADMIN: ["不能撤销最后一个管理员密钥。", "The last administrator key cannot be revoked."],
  KEYS_FILE_INVALID: [
    "服务的密钥文件有误，请联系运营方。",
    "The service's keys file is damaged: contact the operator.",
  ],

  SERVICE_OVERLOADED: [
    "服务繁忙，请稍后重试；已提交的内容不会丢失。",
    "The service is busy: try again in a moment; nothing already accepted is lost.",
  ],
  SERVICE_SHUTTING_DOWN: [
    "服务正在重启，请稍后重试。",
    "The service is restarting: try again in a moment.",
  ],
  STORAGE_FULL: [
    "服务暂时无法保存文件，请稍后再试。",
    "The service cannot store files just now: try again later.",
  ],

  MERKLE_MALFORMED_TREE: ["默克尔树数据有误。", "The Merkle tree is malformed."],
  MERKLE_BAD_LEAF_HASH: ["叶哈希格式有误。", "A leaf hash is malformed."],
  MERKLE_LEAF_INDEX_OUT_OF_RANGE: ["叶序号超出范围。", "The leaf index is out of range."],

  RECORD_ALTERED: [
    "存储的记录与其哈希不符，已通知运营方核查。",
    "A stored record does not match its hash; the operator must run the audit.",
  ],
  RECORD_UNREADABLE: [
    "存储的记录无法读取，已通知运营方核查。",
    "A stored record cannot be read; the operator must run the audit.",
  ],
  INTAKE_STATEMENT_UNKNOWN: [
    "服务内部错误，请联系运营方。",
    "An internal error: contact the operator.",
  ],
  BATCH_ROOT_MISMATCH: [
    "批次根哈希不一致，已通知运营方核查。",
    "A batch root does not match; the operator must run the audit.",
  ],
  BATCH_STATE_CONFLICT: [
    "批次状态冲突，已通知运营方核查。",
    "A batch's state conflicts; the operator must run the audit.",
  ],
  ANCHOR_MISMATCH: [
    "链上记录与本地不一致，已通知运营方核查。",
    "The chain disagrees with the ledger; the operator must run the audit.",
  ],
  ANCHOR_SEQUENCE_DIVERGED: [
    "链上序号与本地不一致，已通知运营方核查。",
    "The chain's sequence disagrees with the ledger; the operator must run the audit.",
  ],
  LEDGER_CONTRACT_MISSING: [
    "链上找不到存证合约，请联系运营方。",
    "The ledger contract is not on the chain: contact the operator.",
  ],
  EXPORT_ABORTED: ["导出中断，请重试。", "The export was cut short: try again."],
  CANONICAL_JSON_INVALID: [
    "服务内部错误，请联系运营方。",
    "An internal error: contact the operator.",
  ],
  HEX32_INVALID: [
    "哈希格式有误（应为 64 位十六进制）。",
    "A hash is malformed (64 hex characters).",
  ],

  ANCHOR_FEE_CAP_REACHED: [
    "链上手续费超过上限，上链暂缓；记录已保存。",
    "Chain fees are above the cap, so anchoring waits; the records are kept.",
  ],
  ROLE_LOST: [
    "服务正在切换节点，请稍后重试。",
    "The service is handing over between replicas: try again in a moment.",
  ],
  DATABASE_UNAVAILABLE: [
    "数据库暂时无法访问，未写入任何内容，请稍后重试。",
    "The database cannot be reached; nothing was written. Try again in a moment.",
  ],
  OPERATOR_UNFUNDED: [
    "运营方上链账户余额不足，上链暂缓；记录已保存。",
    "The operator's chain account is out of funds, so anchoring waits; the records are kept.",
  ],

  URL_INVALID: [
    "链接格式不正确，应以 https:// 开头。",
    "The link is not a valid URL: it starts with https://.",
  ],
  NETWORK: [
    "未能连接服务，请检查网络后重试。",
    "The service could not be reached: check the connection and try again.",
  ],
  INTERNAL: [
    "服务内部错误，请稍后重试或联系运营方。",
    "An internal error: try again later or contact the operator.",
  ],
};
