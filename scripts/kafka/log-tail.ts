// The last lines of the broker's logs, for error messages.
import { readFile } from 'node:fs/promises';

const LOG_TAIL_LINES = 40;

/** The last lines of a file; empty when it is missing. */
export async function logTail(file: string, maxLines: number): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-maxLines).join('\n');
  } catch {
    return '';
  }
}

export async function describeBrokerLogs(files: { readonly serverLog: string; readonly stdout: string }): Promise<string> {
  const server = await logTail(files.serverLog, LOG_TAIL_LINES);
  const stdout = await logTail(files.stdout, LOG_TAIL_LINES);
  return [`--- ${files.serverLog} (last ${LOG_TAIL_LINES} lines) ---`, server || '(empty)', '--- JVM stdout/stderr ---', stdout || '(empty)'].join('\n');
}
