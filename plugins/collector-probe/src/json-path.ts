/**
 * The small JSONPath people write for health answers: `$.status`, `checks.db.status`,
 * `items[0].state`, `$['odd key']`. No filters or wildcards: one value, or not present.
 */
export function parseJsonPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const text = path.trim().replace(/^\$/, '');
  const token = /\.([^.[\]]+)|\[(\d+)\]|\[(['"])(.*?)\3\]|^([^.[\]]+)/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < text.length && ((token.lastIndex = at), (match = token.exec(text)))) {
    if (match[1] !== undefined) parts.push(match[1]);
    else if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[4] !== undefined) parts.push(match[4]);
    else if (match[5] !== undefined) parts.push(match[5]);
    at = token.lastIndex;
  }
  if (at < text.length) throw new Error(`cannot read json_path ${JSON.stringify(path)} past ${JSON.stringify(text.slice(at))}`);
  return parts;
}

export function readJsonPath(document: unknown, path: string): { present: boolean; value?: unknown } {
  let node: unknown = document;
  for (const part of parseJsonPath(path)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return { present: false };
    node = (node as Record<string | number, unknown>)[part];
  }
  return { present: true, value: node };
}
