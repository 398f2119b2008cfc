/**
 * Confluent's messages are `String.format` templates with two `%s`: the reader's and the writer's role ("new",
 * "old"). This fills them the way `String.format(template, reader, writer)` does for the templates they use.
 */
export function fillRoles(template: string, reader: string, writer: string): string {
  const args = [reader, writer];
  let next = 0;
  return template.replace(/%([s%n])/g, (m, c: string) => {
    if (c === '%') return '%';
    if (c === 'n') return '\n';
    return next < args.length ? args[next++]! : m;
  });
}
