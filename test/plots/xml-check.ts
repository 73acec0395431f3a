/**
 * A strict little checker for the SVG the renderer writes: every tag closed in order, attributes quoted
 * and free of markup, no "NaN"/"undefined"/"Infinity" in attribute values or text (numbers gone wrong),
 * and ids unique. Data URIs are exempt from the word check (base64 may contain "NaN" by chance).
 */
export interface XmlReport {
  elements: number;
  tagCounts: Map<string, number>;
}

export function checkSvg(svg: string): XmlReport {
  const tagCounts = new Map<string, number>();
  const stack: string[] = [];
  const ids = new Set<string>();
  let elements = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let pos = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(pos, m.index);
    if (text.includes("<")) throw new Error(`malformed markup before offset ${m.index}: ${JSON.stringify(text.slice(0, 80))}`);
    if (/\b(NaN|undefined|Infinity)\b/.test(text)) throw new Error(`bad number in text: ${text.slice(0, 80)}`);
    if (/&(?!(amp|lt|gt|quot|#\d+);)/.test(text)) throw new Error(`unescaped & in text: ${text.slice(0, 80)}`);
    pos = m.index + m[0].length;
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at offset ${m.index}`);
      continue;
    }
    elements++;
    tagCounts.set(name, (tagCounts.get(name) ?? 0) + 1);
    for (const a of attrs.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      const [, key, value] = a;
      if (!value.startsWith("data:") && /\b(NaN|undefined|Infinity)\b/.test(value)) throw new Error(`bad value ${key}="${value}" in <${name}>`);
      if (/&(?!(amp|lt|gt|quot|#\d+);)/.test(value)) throw new Error(`unescaped & in ${key} of <${name}>`);
      if (key === "id") {
        if (ids.has(value)) throw new Error(`duplicate id ${value}`);
        ids.add(value);
      }
    }
    if (!selfClosing) stack.push(name);
  }
  const rest = svg.slice(pos).trim();
  if (rest !== "") throw new Error(`trailing content: ${rest.slice(0, 80)}`);
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
  return { elements, tagCounts };
}
