export type Child = Node | string | null | undefined | false;

/**
 * Creates an element. Strings become text nodes, so server data can never turn into markup.
 * Inline handlers and style attributes are refused: the Content-Security-Policy would block them.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') {
      throw new Error(`Refusing attribute "${name}": use addEventListener or a CSS class`);
    }
    element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}
