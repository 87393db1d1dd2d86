// The java and mvn executables, honouring JAVA_HOME and MAVEN_HOME the way their own scripts do.
import path from 'node:path';

export function javaExecutable(): string {
  const home = process.env['JAVA_HOME'];
  return home !== undefined && home !== '' ? path.join(home, 'bin', 'java') : 'java';
}

export function mavenExecutable(): string {
  const home = process.env['MAVEN_HOME'];
  return home !== undefined && home !== '' ? path.join(home, 'bin', 'mvn') : 'mvn';
}
