import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlElement } from './actions.js';

/**
 * The XML of pushes (push.md): root `<xml>`, no declaration, nothing between elements, strings in
 * CDATA (a `]]>` inside split across two sections), numbers bare.
 */
const cdata = (s: string) => `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

export function xmlOf(elements: readonly XmlElement[]): string {
  return elements
    .map(
      ([name, value]) =>
        `<${name}>${typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? cdata(value) : xmlOf(value)}</${name}>`,
    )
    .join('');
}

export const xmlDocument = (elements: readonly XmlElement[]) => `<xml>${xmlOf(elements)}</xml>`;

/** A parsed reply: element name → text, or nested elements; repeated `item`s are a list. */
export type ParsedXml = { [name: string]: string | ParsedXml | ParsedXml[] };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'item',
});

/** The children of a well-formed document whose root is `<xml>`, or undefined. */
export function parseXmlDocument(text: string): ParsedXml | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('<') || XMLValidator.validate(trimmed) !== true) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(trimmed) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1 || roots[0] !== 'xml') return undefined;
  const root = doc.xml;
  // A root with text only (or nothing) is well-formed: it has no elements.
  return typeof root === 'object' && root !== null ? (root as ParsedXml) : {};
}

/** The text of an element at `path` (`Image/MediaId`), or undefined. */
export function textAt(doc: ParsedXml, path: string): string | undefined {
  let node: unknown = doc;
  for (const part of path.split('/')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as ParsedXml)[part];
  }
  return typeof node === 'string' ? node : typeof node === 'number' ? String(node) : undefined;
}
