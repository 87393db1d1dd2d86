// Whether a Kafka broker can run on this machine: a recent enough Java, and Maven unless the jars are cached.
import { javaExecutable, mavenExecutable } from './java.js';
import { isFetched } from './fetch.js';
import { CommandNotFoundError, runCommand } from './run.js';
import { kafkaDistribution, kafkaVersion } from './versions.js';

export type KafkaAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

const PROBE_TIMEOUT_MS = 15_000;

export async function isKafkaAvailable(version: string = kafkaVersion()): Promise<KafkaAvailability> {
  let minJava: number;
  try {
    minJava = kafkaDistribution(version).minJava;
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const java = await probe(javaExecutable(), ['-version']);
  if (!java.ok) return { available: false, reason: `java: ${java.reason}` };
  const major = javaMajorVersion(java.output);
  if (major !== undefined && major < minJava) {
    return { available: false, reason: `java ${major} is too old: Kafka ${version} needs Java ${minJava} or later` };
  }
  if (isFetched(version)) return { available: true };
  const mvn = await probe(mavenExecutable(), ['-v']);
  if (!mvn.ok) return { available: false, reason: `mvn (needed once to fetch Kafka ${version}): ${mvn.reason}` };
  return { available: true };
}

/** `openjdk version "17.0.15"` → 17, `java version "1.8.0_412"` → 8. */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

type Probe = { readonly ok: true; readonly output: string } | { readonly ok: false; readonly reason: string };

async function probe(command: string, args: readonly string[]): Promise<Probe> {
  try {
    const result = await runCommand(command, args, { timeoutMs: PROBE_TIMEOUT_MS });
    if (result.code === 0) return { ok: true, output: result.output };
    return { ok: false, reason: `'${command} ${args.join(' ')}' failed (${result.code ?? result.signal}): ${result.output.trim().slice(0, 300)}` };
  } catch (err) {
    if (err instanceof CommandNotFoundError) return { ok: false, reason: `${command} is not installed or not on PATH` };
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
