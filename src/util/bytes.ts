/** A byte count for people: 1.5GB, 512MB (binary units, one decimal at most). */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const)
    if (n >= size) return `${+(n / size).toFixed(1)}${unit}`;
  return `${n}B`;
}
