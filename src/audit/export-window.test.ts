import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { exportWindowOf, inExportWindow, parseExportTime } from './export-window.js';

describe('an export window', () => {
  it('reads epoch milliseconds and ISO 8601 dates and date-times with an offset', () => {
    expect(parseExportTime('1795424400000', '--since')).toBe(1_795_424_400_000);
    expect(parseExportTime('2026-11-16', '--since')).toBe(Date.UTC(2026, 10, 16));
    expect(parseExportTime('2026-11-16T09:30:00Z', '--since')).toBe(Date.UTC(2026, 10, 16, 9, 30));
    expect(parseExportTime('2026-11-16T09:30:00.250+01:00', '--since')).toBe(Date.UTC(2026, 10, 16, 8, 30, 0, 250));
  });

  it.each(['last week', '2026-11-16T09:30:00', '16/11/2026', '2026-13-01', ''])('refuses %j as bad usage naming the option', (text) => {
    try {
      parseExportTime(text, '--until');
      expect.unreachable();
    } catch (error) {
      expect(isDeflectError(error, 'DEFLECT_USAGE') && error.field).toBe('--until');
    }
  });

  it('is [since, until): since inclusive, until exclusive, either side open when absent', () => {
    const week = exportWindowOf({ since: '2026-11-16', until: '2026-11-23' });
    expect(inExportWindow(week, Date.UTC(2026, 10, 16))).toBe(true);
    expect(inExportWindow(week, Date.UTC(2026, 10, 23) - 1)).toBe(true);
    expect(inExportWindow(week, Date.UTC(2026, 10, 23))).toBe(false);
    expect(inExportWindow(week, Date.UTC(2026, 10, 16) - 1)).toBe(false);
    expect(inExportWindow(exportWindowOf({}), 0)).toBe(true);
    expect(() => exportWindowOf({ since: '2026-11-23', until: '2026-11-16' })).toThrow(/--since must be before --until/);
  });
});
