/**
 * Test support: a strict parser for the XML subset JUnit reports use (a prolog, elements, attributes,
 * character data, the five predefined entities and numeric references). It throws on anything not
 * well-formed — an unescaped `<` or `&`, an unquoted or repeated attribute, mismatched or unclosed
 * tags, a character XML 1.0 forbids, text outside the root — so a test that parses a report proves
 * it is well-formed.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data, concatenated. */
  readonly text: string;
}

const nameStart = /[A-Za-z_:]/;
const nameChar = /[A-Za-z0-9_:.-]/;
// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`unescaped < at ${String(at)}`);
  return raw.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`an & that starts no reference at ${String(at)}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[body] !== undefined) return named[body];
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (numeric === null) throw new Error(`unknown entity &${body}; at ${String(at)}`);
    return String.fromCodePoint(numeric[1] === undefined ? Number(numeric[2]) : parseInt(numeric[1], 16));
  });
}

/** Parses `text` as an XML document and returns its root element; throws on anything not well-formed. */
export function parseXml(text: string): XmlElement {
  if (forbidden.test(text)) throw new Error('a character XML 1.0 forbids');
  let at = 0;
  const expect = (literal: string) => {
    if (!text.startsWith(literal, at)) throw new Error(`expected ${JSON.stringify(literal)} at ${String(at)}: ${JSON.stringify(text.slice(at, at + 20))}`);
    at += literal.length;
  };
  const space = () => {
    while (at < text.length && /\s/.test(text.charAt(at))) at += 1;
  };
  const name = (): string => {
    const start = at;
    if (!nameStart.test(text.charAt(at))) throw new Error(`expected a name at ${String(at)}`);
    while (at < text.length && nameChar.test(text.charAt(at))) at += 1;
    return text.slice(start, at);
  };
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end === -1) throw new Error('unclosed prolog');
    at = end + 2;
  }
  const element = (): XmlElement => {
    expect('<');
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = at;
      space();
      if (text.startsWith('/>', at) || text.startsWith('>', at)) break;
      if (at === before) throw new Error(`expected a space before an attribute at ${String(at)}`);
      const attribute = name();
      if (Object.hasOwn(attributes, attribute)) throw new Error(`attribute ${attribute} repeated at ${String(at)}`);
      space();
      expect('=');
      space();
      const quote = text.charAt(at);
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attribute} at ${String(at)}`);
      const end = text.indexOf(quote, at + 1);
      if (end === -1) throw new Error(`unclosed attribute ${attribute}`);
      attributes[attribute] = decode(text.slice(at + 1, end), at);
      at = end + 1;
    }
    if (text.startsWith('/>', at)) {
      at += 2;
      return { name: tag, attributes, children: [], text: '' };
    }
    expect('>');
    const children: XmlElement[] = [];
    let own = '';
    for (;;) {
      const next = text.indexOf('<', at);
      if (next === -1) throw new Error(`unclosed <${tag}>`);
      own += decode(text.slice(at, next), at);
      at = next;
      if (text.startsWith('</', at)) {
        at += 2;
        const closing = name();
        if (closing !== tag) throw new Error(`</${closing}> closes <${tag}> at ${String(at)}`);
        space();
        expect('>');
        return { name: tag, attributes, children, text: own };
      }
      if (text.startsWith('<!--', at)) {
        const end = text.indexOf('-->', at);
        if (end === -1) throw new Error('unclosed comment');
        at = end + 3;
        continue;
      }
      children.push(element());
    }
  };
  space();
  const root = element();
  space();
  if (at !== text.length) throw new Error(`content after the root element at ${String(at)}`);
  return root;
}

/** Every descendant element named `name`, depth first. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...descendants(child, name)]);
}
