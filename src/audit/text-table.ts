// Plain-text tables for the audit commands: columns padded to their widest cell, the last one left ragged so
// long details do not push every line out to the widest. Given a width, columns that may shrink give way in
// their order (cells cut with "…") until the lines fit or every such column is at its minimum.

export interface Column<R> {
  header: string;
  cell(row: R): string;
  /** Right-align (numbers). */
  right?: boolean;
  /** May be narrowed to fit a width, down to `min`; lower `order` gives way first. */
  shrink?: { min: number; order: number };
}

const GAP = 2;

function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** Each column's width: its widest cell, narrowed in `shrink` order until the total fits `maxWidth`. */
function fitWidths<R>(columns: ReadonlyArray<Column<R>>, cells: readonly string[][], maxWidth: number | undefined): number[] {
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)));
  if (maxWidth === undefined) return widths;
  const total = (): number => widths.reduce((sum, width) => sum + width, 0) + GAP * (columns.length - 1);
  const shrinking = columns
    .map((column, index) => ({ index, shrink: column.shrink }))
    .filter((entry): entry is { index: number; shrink: { min: number; order: number } } => entry.shrink !== undefined)
    .sort((a, b) => a.shrink.order - b.shrink.order);
  for (const { index, shrink } of shrinking) {
    const excess = total() - maxWidth;
    if (excess <= 0) break;
    const width = widths[index] ?? 0;
    widths[index] = Math.max(Math.min(shrink.min, width), width - excess);
  }
  return widths;
}

export function renderTable<R>(columns: ReadonlyArray<Column<R>>, rows: readonly R[], options: { maxWidth?: number } = {}): string {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => column.cell(row)))];
  const widths = fitWidths(columns, cells, options.maxWidth);
  return cells
    .map((line) =>
      line
        .map((text, index) => {
          const width = widths[index] ?? 0;
          const cell = cut(text, width);
          if (index === columns.length - 1) return cell;
          return columns[index]?.right ? cell.padStart(width) : cell.padEnd(width);
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    )
    .join('\n');
}
