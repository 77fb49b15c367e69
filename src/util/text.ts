/**
 * Text from result data (JTL labels, host names, gate expressions) reaches terminals, XML and HTML. Control
 * characters there are terminal escape injection (`\x1b]…`, `\x1b[2J`) or make XML invalid, so they are shown
 * instead as JavaScript-style escapes: `\xHH` below U+0100 (`\x01`, `\x1b`, `\x85`), `\uHHHH` above
 * (`\ufffe`, `\ud800` for a lone surrogate), lowercase hex. Nothing is lost, and the reader sees where they
 * were. Backslashes already in the text are left alone, so `\x01` typed literally looks the same: this is
 * for reading, not a reversible encoding.
 */

// With the u flag a surrogate pair is one code point, so \ud800-\udfff matches lone surrogates only.
// \u202a-\u202e and \u2066-\u2069 are the bidi embeddings, overrides and isolates: they make text display
// in another order than it is (a label that reads as "passed" and is not), so they are shown too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/gu;
// The same without tab, line feed and carriage return, which XML and HTML allow.
const CONTROLS_BUT_WHITESPACE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/gu;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Replaces C0 and C1 controls, DEL, bidi overrides, U+FFFE, U+FFFF and lone surrogates with a visible escape. Tab, line
 * feed and carriage return are escaped too (a newline in a label could forge a console line), unless
 * keepWhitespace: XML 1.0 and HTML allow them, and then the result is always valid XML 1.0 character data.
 */
export function visibleControls(text: string, opts: { keepWhitespace?: boolean } = {}): string {
  return text.replace(opts.keepWhitespace ? CONTROLS_BUT_WHITESPACE : CONTROLS, escapeChar);
}

/** A line of a container's output, safe for a terminal or a CI log: controls shown, tabs kept. */
export function visibleLine(line: string): string {
  return visibleControls(line, { keepWhitespace: true }).replace(/[\r\n]/g, (c) =>
    c === '\r' ? '\\x0d' : '\\x0a',
  );
}

/**
 * A line of outside text (container output, an ATQ server's words) as a CI runner reads it, inert as well
 * as visible: GitHub's runner takes `::cmd::` at the start of a line (after spaces) and the older `##[cmd]`
 * anywhere, from a step's stdout and stderr alike (the CLI in a `run:` step too). A word joiner (invisible)
 * between the two characters breaks each; the text reads the same.
 */
export function inertLine(line: string): string {
  return visibleLine(line)
    .replace(/##\[/g, '##\u2060[')
    .replace(/^(\s*):(?=:)/, '$1:\u2060');
}
