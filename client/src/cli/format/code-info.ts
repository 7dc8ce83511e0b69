// A problem code's one-line summary and docs link, for SARIF rule entries (lint and review).
import { docsUrl, languageCodes } from '../../../../server/src/language/docs';
import { ruleSummary } from '../../../../server/src/rules/registry';
import type { CodeInfo } from './report';

export function codeInfo(code: string): CodeInfo {
  return { summary: languageCodes[code] ?? ruleSummary(code) ?? code, helpUri: docsUrl(code) };
}
