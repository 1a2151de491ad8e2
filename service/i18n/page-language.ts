import { LANGUAGES, pickLanguage, type Language } from "./catalogue";
import { translator, type Translate } from "./translator";

/**
 * A page's language in the browser: `?lang=` if given, else the reader's last choice on this
 * browser, else the browser's own languages (Chinese when none of them is one we speak). The
 * page's static texts carry their key (`data-i18n`, `data-i18n-placeholder`); the switch
 * re-renders them and tells the page to redraw what it drew itself.
 */
const STORED = "notary-language";
const NAMES: Record<Language, string> = { zh: "中文", en: "English" };
const isLanguage = (value: unknown): value is Language =>
  (LANGUAGES as readonly unknown[]).includes(value);

function initialLanguage(): Language {
  const asked = new URLSearchParams(location.search).get("lang");
  if (isLanguage(asked)) return asked;
  try {
    const stored = localStorage.getItem(STORED);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage refused (a file:// page in some browsers, private modes): the browser's language.
  }
  return pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export interface PageLanguage {
  readonly language: Language;
  readonly t: Translate;
}

function apply(language: Language, t: Translate): void {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((e) => {
    e.textContent = t(e.dataset.i18n!);
  });
  document.querySelectorAll<HTMLElement>("[data-i18n-placeholder]").forEach((e) => {
    e.setAttribute("placeholder", t(e.dataset.i18nPlaceholder!));
  });
}

/**
 * Localises the page now and draws the switch into `#lang`; `redraw` runs after every switch
 * so texts the script wrote (verdicts, tables) follow. Returns the live language.
 */
export function localisePage(redraw: () => void): PageLanguage {
  const language = initialLanguage();
  const state = { language, t: translator(language) };
  const nav = document.getElementById("lang");
  const draw = () => {
    apply(state.language, state.t);
    nav?.replaceChildren(
      ...LANGUAGES.map((language) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.lang = language === "zh" ? "zh-CN" : "en";
        button.dataset.language = language;
        button.textContent = NAMES[language];
        button.setAttribute("aria-pressed", String(language === state.language));
        button.onclick = () => {
          if (language === state.language) return;
          state.language = language;
          state.t = translator(language);
          try {
            localStorage.setItem(STORED, language);
          } catch {
            // Not kept across visits where storage is refused; the page still switches.
          }
          draw();
          redraw();
        };
        return button;
      }),
    );
  };
  draw();
  return state;
}

/**
 * A button that copies a value whole (ids are long and wrap on a phone): the clipboard API
 * where the page is a secure context, else a selection and the older copy command.
 */
export function copyButton(value: string, page: PageLanguage): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.dataset.copy = value;
  button.textContent = page.t("common.copy");
  button.onclick = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const area = Object.assign(document.createElement("textarea"), { value });
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    button.textContent = page.t("common.copied");
    setTimeout(() => (button.textContent = page.t("common.copy")), 1500);
  };
  return button;
}
