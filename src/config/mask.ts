// Masking for anything that shows configuration: secrets become `••••`, and credentials written into a
// connection string (`esdb://user:pass@host`, `https://user:pass@registry`) are hidden the same way.
import { SECRET_MASK } from './secret.js';

export function maskUrlCredentials(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/?#]*@/, `$1${SECRET_MASK}@`);
}
