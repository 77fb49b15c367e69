import { visibleControls } from '../../util/text.js';

/**
 * summary.md becomes a GitHub job summary and a pull-request comment, and labels in it come from the tested
 * application (JTL "label" column). Everything Markdown could act on must render as the literal text: no
 * links or images (a tracking pixel in a PR comment), no raw HTML, no emphasis, no entity references.
 *
 * - Every ASCII punctuation character gets a backslash: CommonMark makes `\` + ASCII punctuation that
 *   literal character, so this needs no list of constructs (GitHub keeps adding some: math `$`, footnotes).
 *   It also stops GFM's extended autolinks for URLs (`https\:` never reaches the `:` trigger) and `www\.`,
 *   and `\|` is the table-cell escape for a pipe. Checked with cmark-gfm, GitHub's renderer.
 * - Email autolinks are found after parsing, in the decoded text, so neither `\@` nor `&#64;` stops them.
 *   An invisible WORD JOINER (U+2060) after every `@` does: the domain must start right after the `@`. It
 *   also stops @mentions, which would notify people from a PR comment.
 * - Line breaks become spaces (a table row is one line; a new line could start a heading or a list), other
 *   control characters are shown as `\x1b` escapes.
 */
export function mdText(text: string): string {
  return visibleControls(text.replace(/\r\n|[\r\n]/g, ' '))
    .replace(/[!-/:-@[-`{-~]/g, '\\$&')
    .replace(/@/g, '@&#8288;');
}
