/**
 * Lines every JMeter JVM prints that say nothing about the test: Log4j's deprecation warning (four per
 * JVM) and java.util.prefs reporting on its preferences store (created in a fresh container, or not
 * writable: no ~/.java, no Windows registry key). New users take them for the reason a run failed, so the live
 * console leaves them out; the saved logs keep every line.
 */
const NOISE = [
  /^WARN StatusConsoleListener The use of package scanning to locate plugins is deprecated/,
  // java.util.logging's header line ("Nov 25, 2026 5:28:22 PM java.util.prefs.FileSystemPreferences$1 run")
  /\bjava\.util\.prefs\./,
  // ...and the message line under it, which does not name the package ("INFO: Created user preferences
  // directory.", "WARNING: Could not lock User prefs.", "WARNING: Could not open/create prefs root node ...")
  /^(INFO|WARNING|SEVERE): (.*\b(user|system) (prefs|preferences)\b|.*\bprefs root node\b)/i,
];

/** Whether a line of JMeter's output is known noise (see NOISE); the line as the container printed it. */
export function isJmeterNoise(line: string): boolean {
  const text = line.trim();
  return NOISE.some((re) => re.test(text));
}
