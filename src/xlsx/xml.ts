/**
 * A small element tree over saxes (the XML parser exceljs itself uses), for the package parts
 * exceljs does not read: table AutoFilter/sort state and pivot table definitions.
 */
import { SaxesParser } from 'saxes';

/** An XML element: local name (prefix dropped), attributes as written, children, text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses an XML document into its root element. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    // Attribute names keep their prefix ("r:id"): Excel always writes the relationships prefix as "r".
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = String(v);
    const el: XmlElement = { name: tag.name.replace(/^.*:/, ''), attrs, children: [], text: '' };
    (stack[stack.length - 1] as XmlElement).children.push(el);
    stack.push(el);
  });
  parser.on('text', (text) => {
    (stack[stack.length - 1] as XmlElement).text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  const first = root.children[0];
  if (!first) throw new Error('empty XML document');
  return first;
}

/** Direct children of an element with that local name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The first direct child with that local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every descendant with that local name, in document order. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
