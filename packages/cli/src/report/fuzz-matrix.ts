import type { CellStatus, PropertyId } from '@mcify-audit/harness';
import type { CoverageCell, FuzzReport, FuzzReportFinding } from './fuzz-report.js';
import { propertyOrder } from './fuzz-rules.js';

/** The label of the row of target-wide cells (`tool: null`). */
export const serverRow = '(server)';

/** The tools × properties matrix every fuzz format draws. */
export interface CoverageMatrix {
  /** Properties with at least one cell, in run order. */
  readonly properties: readonly PropertyId[];
  readonly rows: readonly { readonly tool: string | null; readonly label: string; readonly cells: readonly (CoverageCell | undefined)[] }[];
}

/** The matrix: a row per listed tool (and one for target-wide cells when there are any), a column per property. */
export function coverageMatrix(report: Pick<FuzzReport, 'coverage' | 'fuzz'>): CoverageMatrix {
  const properties = propertyOrder.filter((property) => report.coverage.some((cell) => cell.property === property));
  const tools: (string | null)[] = report.fuzz.tools.map((tool) => tool.name);
  for (const cell of report.coverage) if (cell.tool !== null && !tools.includes(cell.tool)) tools.push(cell.tool);
  if (report.coverage.some((cell) => cell.tool === null)) tools.push(null);
  const rows = tools
    .map((tool) => ({
      tool,
      label: tool ?? serverRow,
      cells: properties.map((property) => report.coverage.find((cell) => cell.tool === tool && cell.property === property)),
    }))
    .filter((row) => row.cells.some((cell) => cell !== undefined));
  return { properties, rows };
}

/** A cell as one short word, in text: `held`, `FAILED`, `not exercised`, `n/a`. */
export const shortStatus: Readonly<Record<CellStatus, string>> = { held: 'held', failed: 'FAILED', 'not-exercised': 'not exercised', 'not-applicable': 'n/a' };

/** The reasons of the not-exercised and not-applicable cells, grouped: `not applicable: writes not allowed (orders_cancel write-isolation, ...)`. */
export function cellReasons(report: Pick<FuzzReport, 'coverage'>): { readonly status: CellStatus; readonly reason: string; readonly cells: readonly CoverageCell[] }[] {
  const groups = new Map<string, { status: CellStatus; reason: string; cells: CoverageCell[] }>();
  for (const cell of report.coverage) {
    if (cell.status !== 'not-exercised' && cell.status !== 'not-applicable') continue;
    const reason = cell.reason ?? 'no reason given';
    const key = `${cell.status}\0${reason}`;
    const group = groups.get(key) ?? { status: cell.status, reason, cells: [] };
    group.cells.push(cell);
    groups.set(key, group);
  }
  // Not exercised first: it is what the reader must not mistake for held.
  return [...groups.values()].sort((a, b) => (a.status === b.status ? 0 : a.status === 'not-exercised' ? -1 : 1));
}

/**
 * The findings of a cell: those whose replay path is the cell's; for a failed tool's cell without one,
 * the property's finding on every tool (`tool: null`), which the engine reports once for all the tools.
 */
export function cellFindings(cell: CoverageCell, findings: readonly FuzzReportFinding[]): FuzzReportFinding[] {
  const own = findings.filter((finding) => finding.reproduce.path.startsWith(`${cell.property}/${cell.tool ?? '*'}:`));
  if (own.length > 0 || cell.status !== 'failed' || cell.tool === null) return own;
  return findings.filter((finding) => finding.tool === null && finding.reproduce.path.startsWith(`${cell.property}/*:`));
}
