/**
 * Java .properties text for JMeter's -q/-G file options (java.util.Properties.load's format): keys and
 * values escaped so that any text, `=`, `:`, `#`, `!`, backslashes, leading spaces and line breaks
 * included, reads back exactly. Non-ASCII goes as \uXXXX (load reads the file as ISO-8859-1).
 */
export function propertiesFile(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([k, v]) => `${escape(k, true)}=${escape(v, false)}\n`)
    .join('');
}

function escape(text: string, key: boolean): string {
  let out = '';
  for (const [i, c] of [...text].entries()) {
    const code = c.codePointAt(0) as number;
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if ('=:#!'.includes(c) || (c === ' ' && (key || i === 0))) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += utf16(c);
    else out += c;
  }
  return out;
}

/** \uXXXX for each UTF-16 unit (a code point above U+FFFF is a surrogate pair, as Java reads it). */
const utf16 = (c: string) =>
  [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
