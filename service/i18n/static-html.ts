import { translator } from "./translator";

const zh = translator("zh");
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An element of a static page, written in Chinese (what a page without its script shows) and
 * keyed for the page's script to switch: `text("h1", "portal.title")`.
 */
export function text(tag: string, key: string, attributes = ""): string {
  return `<${tag}${attributes && ` ${attributes}`} data-i18n="${key}">${escape(zh(key))}</${tag}>`;
}

/** A placeholder, keyed the same way. */
export const placeholder = (key: string): string =>
  `placeholder="${escape(zh(key))}" data-i18n-placeholder="${key}"`;
