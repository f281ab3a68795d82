/**
 * A small XML well-formedness check for the SVG tests (no XML parser is a dependency): tags
 * balance, attributes are quoted and unique, `&` starts a known entity, `<` never appears in text.
 * Returns the elements seen (name + attributes) so tests can look for series.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function checkText(text: string, where: number): void {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (!entity.test(text.slice(i))) throw new Error(`bad entity at ${where + i}: ${text.slice(i, i + 12)}`);
  }
  if (text.includes('<') || text.includes('>')) throw new Error(`raw < or > in text at ${where}`);
}

export function checkXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    const text = xml.slice(i, open < 0 ? xml.length : open);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${i}`);
    checkText(text, i);
    if (stack.length > 0) stack.at(-1)!.text += text;
    if (open < 0) break;
    if (xml.startsWith('<?', open)) {
      i = xml.indexOf('?>', open) + 2;
      continue;
    }
    if (xml.startsWith('<!--', open)) {
      i = xml.indexOf('-->', open) + 3;
      continue;
    }
    const close = xml.indexOf('>', open);
    if (close < 0) throw new Error(`unclosed tag at ${open}`);
    const body = xml.slice(open + 1, close);
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`</${name}> at ${open} closes <${top?.name ?? 'nothing'}>`);
    } else {
      const selfClosing = body.endsWith('/');
      const inner = selfClosing ? body.slice(0, -1) : body;
      const match = inner.match(/^([A-Za-z_][\w:.-]*)([\s\S]*)$/);
      if (!match) throw new Error(`bad tag name at ${open}`);
      const attributes: Record<string, string> = {};
      let rest = match[2]!.trim();
      while (rest !== '') {
        const attribute = rest.match(/^([A-Za-z_][\w:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')\s*/);
        if (!attribute) throw new Error(`bad attribute at ${open}: ${rest.slice(0, 30)}`);
        if (attribute[1]! in attributes) throw new Error(`duplicate attribute ${attribute[1]} at ${open}`);
        const value = attribute[3] ?? attribute[4] ?? '';
        checkText(value, open);
        attributes[attribute[1]!] = value;
        rest = rest.slice(attribute[0].length);
      }
      if (stack.length === 0) roots += 1;
      const element = { name: match[1]!, attributes, text: '' };
      elements.push(element);
      if (!selfClosing) stack.push(element);
    }
    i = close + 1;
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}
