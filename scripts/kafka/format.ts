// `kafka-storage format`: gives the empty data folder a cluster id and the bootstrap metadata.
import { randomClusterId } from './cluster-id.js';
import { javaExecutable } from './java.js';
import { runCommand } from './run.js';

export async function formatStorage(jvm: readonly string[], serverProperties: string, timeoutMs: number): Promise<void> {
  // A short-lived JVM: the C1 compiler alone starts it sooner.
  const args = [...jvm, '-XX:TieredStopAtLevel=1', 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', serverProperties];
  const result = await runCommand(javaExecutable(), args, { timeoutMs });
  if (result.code !== 0) {
    const how = result.code === null ? `was killed after ${timeoutMs} ms` : `exited with ${result.code}`;
    throw new Error(`Kafka storage format ${how}:\n${result.output.trim()}`);
  }
}
