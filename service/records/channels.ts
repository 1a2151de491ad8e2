/**
 * How a notice, declaration or report reached the platform. GB/T 39550 4.3.2.1 scores a
 * dedicated system, e-mail and paper; the evaluation's bonus row scores every channel beyond
 * four; E-Commerce Law art. 59 asks for convenient complaint and report channels. The list
 * covers what platforms run: `system` is the platform's dedicated notice system.
 */
export const CHANNELS = [
  "system",
  "web_form",
  "email",
  "paper",
  "phone",
  "app",
  "mini_program",
  "in_person",
  "fax",
  "authority_referral",
  "other",
] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Names for the binder and pages (this module stays free of zod: the pages bundle it). */
export const CHANNEL_NAMES: Record<ChannelName, { zh: string; en: string }> = {
  system: { zh: "专门的通知系统", en: "dedicated notice system" },
  web_form: { zh: "网页表单", en: "web form" },
  email: { zh: "电子邮件", en: "e-mail" },
  paper: { zh: "纸件", en: "paper" },
  phone: { zh: "电话 / 热线", en: "phone / hotline" },
  app: { zh: "移动应用", en: "mobile app" },
  mini_program: { zh: "小程序", en: "mini program" },
  in_person: { zh: "现场", en: "in person" },
  fax: { zh: "传真", en: "fax" },
  authority_referral: { zh: "主管部门转交", en: "referred by an authority" },
  other: { zh: "其他", en: "other" },
};
