package io.atq.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * baseline: 'lastSuccessful' as a history: which earlier builds count, how far back the step looks, the sh that
 * tidies their copies and what the log says of them. Pure helpers (@NonCPS); the step walks and copies.
 */
class AtqHistory implements Serializable {
  private static final long serialVersionUID = 1L

  /** Build results Copy Artifact's lastSuccessful() takes: SUCCESS or UNSTABLE (a build whose gates failed too). */
  static final List<String> SUCCESSFUL = ['SUCCESS', 'UNSTABLE']

  /** How many earlier runs baselineRuns asks for (validated: 1 to 100); the CLI's default, 10, without it. */
  @NonCPS
  static int runs(Map params) {
    Object runs = params.baselineRuns
    return runs == null ? 10 : Integer.parseInt(runs.toString())
  }

  /**
   * How many earlier builds the walk looks at, at most: each is a build record Jenkins may load from disk, and a
   * job with many failed builds in a row should not make the step read its whole past.
   */
  @NonCPS
  static int lookback(int runs) {
    return Math.max(50, 3 * runs)
  }

  /**
   * sh that tidies the builds copied into target/<number>/ and prints the numbers of those that hold a
   * summary.json. Links are removed: an archive may hold a link (Copy Artifact recreates it) to any file on the
   * agent, which the CLI would read and quote in an error. Each build's outDir/ then becomes its folder, so
   * summary.json is at most three folders down whatever outDir's depth (the CLI looks 8 deep).
   */
  @NonCPS
  static String tidyScript(String target, String out, List<Integer> numbers) {
    String from = '"$d"/' + AtqOptions.shellQuote(out)
    String move = out == '.' ? '' : "  if [ -d ${from} ]; then mv ${from} \"\$d.out\" && rm -rf \"\$d\" && mv \"\$d.out\" \"\$d\"; fi\n"
    return 'set +x\n' +
      "for n in ${numbers.join(' ')}; do\n" +
      "  d=${AtqOptions.shellQuote(target)}/\$n\n" +
      '  [ -d "$d" ] || continue\n' +
      '  find "$d" -type l -exec rm -f {} +\n' +
      move +
      '  if [ -n "$(find "$d" -type f -name summary.json | head -n 1)" ]; then echo "$n"; fi\n' +
      'done\n'
  }

  /** Those of numbers that tidyScript printed (one a line; anything else is left out), in numbers' order. */
  @NonCPS
  static List<Integer> withSummaries(List<Integer> numbers, String stdout) {
    Set<String> printed = (stdout ?: '').readLines().collect { it.trim() } as Set
    return numbers.findAll { printed.contains(String.valueOf(it)) }
  }

  /**
   * What the log says of the history: how many of the builds asked for it holds, which, and why not more; or why
   * there is none (then `then`: what the baseline gates do).
   */
  @NonCPS
  static String note(Map walk, List<Integer> found, int runs, Map copy, String job, String then) {
    if (!found) {
      String why = walk.limited ? "none among the last ${walk.looked} builds; the step looks no further back" :
        "a first build, or none archived ${copy.filter}"
      return "no summary.json from an earlier successful build of ${job} (${why}); ${then}"
    }
    String why = found.size() >= runs ? '' : walk.limited ?
      "; the step looks no further back than ${walk.looked} builds" : '; there are no more earlier successful builds'
    return "baseline history: ${found.size()} of the ${runs} earlier successful builds asked for (baselineRuns): " +
      found.collect { "#${it}" }.join(', ') + why
  }
}
