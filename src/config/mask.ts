// Masking for anything that shows configuration: secrets become `••••`, and credentials written into a
// connection string (`esdb://user:pass@host`, `https://user:pass@registry`) are hidden the same way.
import { SECRET_MASK } from './secret.js';

export function maskUrlCredentials(value: string): string {
  const masked = value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/?#]*@/, `$1${SECRET_MASK}@`);
  // libpq's URI form also takes the password as a parameter (`postgres://db/x?password=…`).
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(masked) ? masked.replace(/([?&]password=)[^&#]*/gi, `$1${SECRET_MASK}`) : masked;
}
