// Reading the sandbox's request bodies: JSON that may not parse, the siteId a request names (for its OAuth account),
// and getLiveDeflectData's report query, each refused with the field named as LiveDeflect does.

export function siteIdOf(json: unknown): string | undefined {
  const siteId = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['siteId'] : undefined;
  return typeof siteId === 'string' ? siteId : undefined;
}

export function validateReportQuery(json: unknown): { siteId: string; startTime: number; endTime: number } | { error: string; field?: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { error: 'The body must be a JSON object' };
  const body = json as Record<string, unknown>;
  const siteId = body['siteId'];
  if (typeof siteId !== 'string' || siteId === '') return { error: 'siteId is required and must be a string', field: 'siteId' };
  const times: number[] = [];
  for (const field of ['startTime', 'endTime']) {
    const value = body[field];
    if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return { error: `${field} must be epoch milliseconds as a string`, field };
    times.push(Number(value));
  }
  const [startTime = 0, endTime = 0] = times;
  if (endTime < startTime) return { error: 'endTime is before startTime', field: 'endTime' };
  return { siteId, startTime, endTime };
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
