/**
 * A maximum matching in a bipartite graph (augmenting paths, left vertices in order): which original subschemas can
 * be paired one to one with compatible updated subschemas.
 */
export function maximumMatching(leftCount: number, rightCount: number, adjacent: (left: number) => readonly number[]): Map<number, number> {
  const rightToLeft = new Array<number>(rightCount).fill(-1);
  const tryAssign = (left: number, visited: boolean[]): boolean => {
    for (const right of adjacent(left)) {
      if (visited[right]) continue;
      visited[right] = true;
      if (rightToLeft[right] === -1 || tryAssign(rightToLeft[right]!, visited)) {
        rightToLeft[right] = left;
        return true;
      }
    }
    return false;
  };
  for (let left = 0; left < leftCount; left++) tryAssign(left, new Array<boolean>(rightCount).fill(false));
  const matching = new Map<number, number>();
  rightToLeft.forEach((left, right) => {
    if (left >= 0) matching.set(left, right);
  });
  return matching;
}
