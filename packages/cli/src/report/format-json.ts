import type { Formatter } from './report.js';

/** The JSON report: exactly the contract's shape (docs/report.schema.json), and nothing else on stdout. */
export const formatJson: Formatter = (report) => JSON.stringify(report, null, 2);
