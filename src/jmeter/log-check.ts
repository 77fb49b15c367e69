/**
 * JMeter can exit 0 after a plan failed to load or no remote engine could start, so its log is the
 * truth. These lines mean the test did not run as written; the first one found is quoted to the user.
 */
const FATAL = [
  /Error in NonGUIDriver/,
  /Problem loading XML/,
  /CannotResolveClassException/,
  /ConversionException/,
  /Failed to configure remote engine/,
  /Error in rconfigure\(\) method/,
  /Error in rstartTest\(\) method/,
  /Exception occurred initializing/,
  /Error occurred starting thread group/,
  /java\.io\.FileNotFoundException/,
  /Could not open file/,
  /Start of remote engines failed/,
  /No remote engines were started/,
  // A worker that could not load the plan (e.g. a plugin class missing there): the master still exits 0.
  /The following remote engines have not started/,
];

/** Returns the first line that shows the test could not run as written, or undefined. */
export function findFatalLine(log: string): string | undefined {
  for (const line of log.split('\n')) {
    if (FATAL.some((re) => re.test(line))) return line.trim().slice(0, 500);
  }
  return undefined;
}

/** The last lines of a log (for error messages), without blank ones. */
export function tail(text: string, lines = 15): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines)
    .join('\n');
}
