// Parsers for command options: a bad value is bad usage (exit 2) with the option named.
import { InvalidArgumentError } from 'commander';

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

export function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError('must be a port number 0–65535 (0 picks a free one)');
  return value;
}

export function fraction(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InvalidArgumentError('must be a number between 0 and 1');
  return value;
}
