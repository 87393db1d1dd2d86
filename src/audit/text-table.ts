// Plain-text tables for the audit commands: columns padded to their widest cell, the last one left ragged so
// long details do not push every line out to the widest.

export interface Column<R> {
  header: string;
  cell(row: R): string;
  /** Right-align (numbers). */
  right?: boolean;
}

export function renderTable<R>(columns: ReadonlyArray<Column<R>>, rows: readonly R[]): string {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => column.cell(row)))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)));
  return cells
    .map((line) =>
      line
        .map((cell, index) => {
          if (index === columns.length - 1) return cell;
          const width = widths[index] ?? 0;
          return columns[index]?.right ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
