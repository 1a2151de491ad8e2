import i18next, { type TFunction } from "i18next";
import { LANGUAGES, messagesIn, type Language } from "./catalogue";

export type Translate = TFunction;

const RESOURCES = Object.fromEntries(
  LANGUAGES.map((language) => [language, { translation: messagesIn(language) }]),
);

/**
 * The catalogue in one language, ready at once (no loading: every text is in the bundle).
 * Values are put into pages as text, never markup, so i18next does not escape them; the
 * server-side pages escape what they print.
 */
export function translator(language: Language): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: "zh",
    resources: RESOURCES,
    initAsync: false,
    // Step names are English phrases used as keys: they hold neither ":" nor ".".
    nsSeparator: false,
    interpolation: { escapeValue: false },
  });
  return instance.t;
}
