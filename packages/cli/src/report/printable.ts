/**
 * Characters no report may pass through as they are: control characters (a terminal escape sequence
 * starts with ESC or the 8-bit CSI, and a newline would break a table row or a one-line header) and
 * Unicode bidirectional controls, which can make displayed code read differently from what it is
 * ("Trojan Source"). Tab is kept: code frames show indentation as written.
 */
const unsafe = /(?!\t)[\p{Cc}\p{Bidi_Control}]/gu;

/**
 * `text` with every control and bidirectional-control character replaced by one visible character: C0
 * controls and DEL by their Unicode control pictures (`␛`, `␊`), the others by `�`. Each replacement
 * is one UTF-16 unit, like what it replaces, so columns computed on the original text still line up.
 *
 * @example
 * ```ts
 * printable('\u001b[31mred'); // '␛[31mred'
 * ```
 */
export function printable(text: string): string {
  return text.replace(unsafe, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}
