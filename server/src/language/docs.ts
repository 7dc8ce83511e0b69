// Where the documentation of each problem code lives, for links in diagnostics and SARIF.

/** Base of the published docs folder (docs/ in the repository). */
export const docsBase = 'https://github.com/runsafe/runsafe/blob/main/docs/';

/** Problems found by the parser and the schema, documented together in docs/problems.md. */
export const languageCodes: Record<string, string> = {
  'yaml-syntax': 'The file is not valid YAML.',
  'yaml-duplicate-key': 'A key appears twice in the same map.',
  'yaml-tab': 'Tabs are used for indentation.',
  'yaml-too-deep': 'Nesting is deeper than a runbook allows.',
  'yaml-too-large': 'The document expands to too many nodes (an alias bomb).',
  'file-too-large': 'The file is larger than the size limit.',
  'invalid-utf8': 'The file is not valid UTF-8.',
  'schema-unknown-key': 'A key the runbook format does not know (often a typo).',
  'schema-missing-key': 'A required key is missing.',
  'schema-type': 'A value has the wrong type.',
  'schema-value': 'A value is not allowed (enum, pattern, range).',
};

/** The docs URL for a problem code: rules have a page each, language problems share one. */
export function docsUrl(code: string): string {
  return code in languageCodes ? `${docsBase}problems.md#${code}` : `${docsBase}rules/${code}.md`;
}
