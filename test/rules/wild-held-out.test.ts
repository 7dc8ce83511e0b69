// Held-out accuracy (test/fixtures/rules/wild-held-out/): snippets labelled after the tuning and measured once; no rule was changed for them.
import { corpusTests } from './wild-corpus';

corpusTests({
  folder: 'wild-held-out',
  minSnippets: 35,
  thresholds: false,
  // Measured once when the held-out snippets were labelled: 20/21 found (a curl header after a
  // `keys/<fingerprint>` placeholder, which parses as redirections, is missed), 0/15 flagged.
  floor: { 'destructive-unconfirmed': [15, 0], 'disable-safety': [2, 0], 'secret-echo': [0, 0], 'secret-in-argv': [3, 0], 'secret-literal': [0, 0] },
});
