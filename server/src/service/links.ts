// Document links: `related` and `contacts` URLs, the format docs on `runsafe:`, and rule names in
// suppression comments to their docs.
import { docsBase, docsUrl } from '../language/docs';
import { mapGet, type LNode } from '../language/index';
import type { RunbookDocument } from './document';
import { valueSpan } from './symbol-index';
import type { DocumentLink } from './types';

const url = /^https?:\/\/\S+$/;

export function documentLinks(doc: RunbookDocument): DocumentLink[] {
  const out: DocumentLink[] = [];
  const root = doc.parsed.root;
  const linkScalar = (n: LNode | undefined) => {
    if (n?.kind === 'scalar' && typeof n.value === 'string' && url.test(n.value)) out.push({ range: doc.lines.rangeOf(valueSpan(n)), target: n.value });
  };
  if (root?.kind === 'map') {
    // The format version key opens the format's documentation.
    const version = root.pairs.find((p) => p.key.value === 'runsafe');
    if (version) out.push({ range: doc.lines.rangeOf(version.key.span), target: `${docsBase}format.md`, tooltip: 'The runbook format' });
    for (const key of ['related', 'contacts']) {
      const list = mapGet(root, key);
      if (list?.kind !== 'seq') continue;
      for (const item of list.items) {
        if (item.kind === 'scalar') linkScalar(item);
        else if (item.kind === 'map') linkScalar(mapGet(item, 'url'));
      }
    }
  }
  for (const m of doc.text.matchAll(/runsafe-ignore\s+([a-z0-9][a-z0-9-]*)/g)) {
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ range: doc.lines.rangeOf({ start, end: start + m[1]!.length }), target: docsUrl(m[1]!), tooltip: `Documentation of ${m[1]}` });
  }
  return out;
}
