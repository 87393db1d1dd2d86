// Who may be texted at all: the policy for numbers the numbering plan cannot call mobile or fixed, and the
// suppression list.
import { defineKey, defineSection } from '../key.js';
import { oneOf } from '../parse.js';
import { suppressionFile } from '../suppression-file.js';

export interface EligibilityConfig {
  /** For FIXED_LINE_OR_MOBILE numbers (US, Canada) when the event states no lineType. */
  readonly ambiguousLinePolicy: 'allow' | 'deny';
  readonly suppressionFile: string | undefined;
  /** Normalised E.164 numbers never to text. Never log or print them. */
  readonly suppressed: ReadonlySet<string>;
}

export const eligibilitySection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_AMBIGUOUS_LINE_POLICY',
      group: 'eligibility',
      parser: oneOf(['allow', 'deny'] as const),
      default: 'allow',
      description: 'What to do when the numbering plan says FIXED_LINE_OR_MOBILE (US, Canada) and the event gives no `lineType`.',
    }),
    defineKey({
      name: 'DEFLECT_SUPPRESSION_FILE',
      group: 'eligibility',
      parser: suppressionFile,
      whenUnset: 'no suppression list',
      description: 'File of E.164 numbers never to text, one per line, `#` comments. Read and validated at start-up.',
    }),
  ],
  (values): EligibilityConfig => ({
    ambiguousLinePolicy: values.DEFLECT_AMBIGUOUS_LINE_POLICY,
    suppressionFile: values.DEFLECT_SUPPRESSION_FILE?.path,
    suppressed: values.DEFLECT_SUPPRESSION_FILE?.numbers ?? new Set<string>(),
  }),
);
