// Accuracy on real-world snippets (test/fixtures/rules/wild/): recall and false-alarm rate per rule, held to issue 16's thresholds.
import { corpusTests } from './wild-corpus';

corpusTests({ folder: 'wild', minSnippets: 250, thresholds: true });
