// The configuration reference as Markdown, generated from the key table so the README cannot drift from
// what the loader accepts.
import type { AnyConfigKey } from './key.js';
import { CONFIG_FILE_ENV } from './config-file.js';
import { CONFIG_KEYS } from './keys.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(key: AnyConfigKey): string {
  if (typeof key.default === 'string') return `\`${key.default}\``;
  if (key.default !== undefined) return key.default.describe;
  return `unset: ${key.whenUnset ?? 'none'}`;
}

export function renderConfigReference(): string {
  const header = [
    `Configuration comes from environment variables and, optionally, a JSON file named by \`--config\` or \`${CONFIG_FILE_ENV}\``,
    'holding the same keys (`{ "LIVEPERSON_SITE_ID": "123" }`). Environment variables win over the file; an empty',
    'variable counts as unset. Invalid configuration stops start-up with one error listing every problem.',
    '',
    '| Key | Group | Default | Accepts | Description |',
    '|---|---|---|---|---|',
  ];
  const rows = CONFIG_KEYS.map(
    (key) =>
      `| \`${key.name}\` | ${key.group} | ${cell(defaultText(key))} | ${cell(key.parser.expects)} | ${cell(key.description)}${key.secret ? ' Secret: always masked.' : ''} |`,
  );
  return [...header, ...rows].join('\n') + '\n';
}
